package dev.telemetry.alerts.dispatch;

import java.time.Duration;

/**
 * How each receiver delivers: retry backoff, how long a notification is retried before it is
 * dead-lettered, and how many attempts one receiver may have in flight at once.
 *
 * @param maxInFlight attempts in flight per receiver, each for a different aggregation group; a
 *                    notification waiting out its backoff holds none, so it never holds up the others
 * @param stormLimit  notifications a minute per receiver before further groups are folded into a
 *                    storm notification (see {@link StormLimiter}); 0 for no limit
 * @param stormWait   how long after the first fold the storm notification goes, gathering the rest
 * @param stormSeeAt  where the storm notification says all folded groups can be seen
 */
public record DeliveryPolicy(Backoff backoff, Duration maxAge, int maxInFlight, int stormLimit, Duration stormWait,
                             String stormSeeAt) {

    /** How long a storm notification gathers the groups folded after the first. */
    public static final Duration DEFAULT_STORM_WAIT = Duration.ofSeconds(10);

    /** No storm limit. */
    public DeliveryPolicy(Backoff backoff, Duration maxAge, int maxInFlight) {
        this(backoff, maxAge, maxInFlight, 0, DEFAULT_STORM_WAIT, "");
    }

    /** Enough to keep a flaky receiver busy with an incident's groups without flooding it. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;

    public DeliveryPolicy {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
    }
}
