package dev.telemetry.events;

import java.time.Instant;
import java.util.Objects;

/**
 * An accepted event as it travels on the raw topics: the client's event plus what the gateway
 * knows about it. {@code eventTime} is the time used for windows: the client's timestamp when it
 * is plausible, otherwise {@code receivedAt} (see {@link ClockSkew}).
 */
public record Envelope(int schemaVersion, String eventId, EventType type, String app, Instant receivedAt,
                       Instant eventTime, String clientIp, String userAgent, TelemetryEvent event) {

    public static final int SCHEMA_VERSION = 1;

    public Envelope {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(event, "event");
        if (type == null) {
            type = event.eventType();
        } else if (type != event.eventType()) {
            throw new IllegalArgumentException("type " + type + " does not match event " + event.eventType());
        }
    }

    /**
     * The Kafka key of the raw topics: app and series, so one series of one app stays on one
     * partition. Every producer must use it: the processor aggregates per partition without
     * repartitioning (only an app's error rate over all its endpoints goes through a repartition
     * topic), which is only correct because of this key.
     */
    public String key() {
        return app + "|" + event.seriesKey();
    }
}
