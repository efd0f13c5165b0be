package dev.telemetry.faults;

import java.time.Duration;

/**
 * What the clients send: {@code clients} threads, each posting batches of {@code batchSize} custom metrics named
 * {@code metric}, tagged {@code series=s0..s<series-1>}, until {@code duration} has passed.
 *
 * @param clientTimestamps whether each event carries {@code timestamp} = now in ms (as the seed's
 *                         {@code sendMetric} does); without it windows use the gateway's receive time
 * @param eventsPerSecond  at most this many events per second over all clients (0: as fast as they get answers), so
 *                         that a backlog has the size a scenario needs on any machine that can reach the rate
 */
public record LoadSettings(Duration duration, int clients, int batchSize, int series, String metric,
                           boolean clientTimestamps, int eventsPerSecond) {

    public LoadSettings {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("load duration must be positive, not " + duration);
        }
        if (clients < 1 || batchSize < 1 || batchSize > 1000 || series < 1 || eventsPerSecond < 0) {
            throw new IllegalArgumentException("clients >= 1, 1 <= batch size <= 1000 (the gateway's items-per-batch),"
                    + " series >= 1, events per second >= 0; not " + clients + ", " + batchSize + ", " + series + ", "
                    + eventsPerSecond);
        }
    }

    /** Four clients, batches of 100, ten series of {@code outage_ms}, client timestamps: the load. */
    public static LoadSettings of(Duration duration) {
        return new LoadSettings(duration, 4, 100, 10, "outage_ms", true, 0);
    }

    /** {@code clients} clients posting {@code batchSize} events a request, {@code eventsPerSecond} in all at most. */
    public LoadSettings withClients(int clients, int batchSize, int eventsPerSecond) {
        return new LoadSettings(duration, clients, batchSize, series, metric, clientTimestamps, eventsPerSecond);
    }
}
