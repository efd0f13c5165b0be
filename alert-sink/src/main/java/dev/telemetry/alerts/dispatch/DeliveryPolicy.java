package dev.telemetry.alerts.dispatch;

import java.time.Duration;

/**
 * How each receiver delivers: retry backoff, how long a notification is retried before it is
 * dead-lettered, and how many attempts one receiver may have in flight at once.
 *
 * @param maxInFlight attempts in flight per receiver, each for a different aggregation group; a
 *                    notification waiting out its backoff holds none, so it never holds up the others
 */
public record DeliveryPolicy(Backoff backoff, Duration maxAge, int maxInFlight) {

    /** Enough to keep a flaky receiver busy with an incident's groups without flooding it. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4;

    public DeliveryPolicy {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1, got " + maxInFlight);
        }
    }
}
