package dev.telemetry.processor.stage;

import java.time.Duration;

/**
 * How per-item event alerts (rate limit, injection attempts, new error fingerprints) are rolled up into one alert per
 * rule, app and window.
 *
 * @param updateInterval the least time between two updates of one window's rollup while its count grows (the first
 *                       goes out at once, the last when the window closes)
 * @param maxSubjects    distinct items (IPs, fingerprints) counted one by one per rule, app and window; beyond this
 *                       they count as "others" only, so the state stays bounded whatever a botnet sends
 * @param topOffenders   how many items the alert names, most frequent first
 */
public record EventRollups(Duration updateInterval, int maxSubjects, int topOffenders) {

    public EventRollups {
        if (updateInterval == null || updateInterval.isNegative() || updateInterval.isZero()) {
            throw new IllegalArgumentException("rollup update interval must be positive, got " + updateInterval);
        }
        if (maxSubjects < 1 || topOffenders < 1 || topOffenders > maxSubjects) {
            throw new IllegalArgumentException("rollup needs 1 <= top offenders (" + topOffenders
                    + ") <= subjects kept (" + maxSubjects + ")");
        }
    }

    /** 30 s between updates (Alertmanager's group_wait), 10 000 items kept, the top 10 named. */
    public static EventRollups defaults() {
        return new EventRollups(Duration.ofSeconds(30), 10_000, 10);
    }
}
