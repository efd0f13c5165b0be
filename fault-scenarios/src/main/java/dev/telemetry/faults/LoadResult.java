package dev.telemetry.faults;

import java.time.Duration;

/**
 * What the clients saw.
 *
 * @param accepted         requests answered 202
 * @param acknowledged     events those 202s accepted (the body's {@code accepted})
 * @param acknowledgedIds  the {@code eventIds} of those 202s: each one the gateway promised is in Kafka
 * @param unavailable      requests answered 503 (Kafka did not acknowledge in time)
 * @param otherStatus      requests answered anything else
 * @param failed           requests that got no answer (connection refused or reset, timeout)
 */
public record LoadResult(long accepted, long acknowledged, UuidSet acknowledgedIds, long unavailable,
                         long otherStatus, long failed, Duration elapsed) {

    /** Acknowledged events per second over the whole load. */
    public double eventsPerSecond() {
        return elapsed.isZero() ? 0 : acknowledged * 1000.0 / elapsed.toMillis();
    }
}
