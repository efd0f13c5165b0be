package dev.telemetry.events;

import java.time.Duration;
import java.time.Instant;

/**
 * Decides the event time of an event from the client's clock and the server's. Client clocks are
 * wrong often enough (sleeping laptops, bad time zones, buffered beacons) that a client time is
 * only trusted inside {@code [receivedAt - maxPast, receivedAt + maxFuture]}; outside it the server's
 * time is used. The client's own value is always kept in the event.
 */
public record ClockSkew(Duration maxPast, Duration maxFuture) {

    public static ClockSkew defaults() {
        // max-future stays below the processor's grace: a client clock running ahead must not push stream
        // time forward so far that other clients' on-time events look late.
        return new ClockSkew(Duration.ofHours(1), Duration.ofSeconds(5));
    }

    public Instant eventTime(Long clientMillis, Instant receivedAt) {
        if (clientMillis == null) {
            return receivedAt;
        }
        Instant client = Instant.ofEpochMilli(clientMillis);
        boolean plausible = !client.isBefore(receivedAt.minus(maxPast)) && !client.isAfter(receivedAt.plus(maxFuture));
        return plausible ? client : receivedAt;
    }
}
