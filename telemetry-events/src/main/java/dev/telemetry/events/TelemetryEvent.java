package dev.telemetry.events;

/**
 * One event as a client sent it, with the seed's field names. The closed set of event kinds the
 * pipeline accepts; {@link EventType} maps each to its wire name, topic and reader.
 */
public sealed interface TelemetryEvent
        permits VitalEvent, MetricEvent, ActionEvent, ErrorEvent, NetworkErrorEvent, FeedbackEvent,
                SecurityEvent, RequestEvent, SyntheticEvent {

    EventType eventType();

    /** The client's own timestamp in epoch milliseconds, when it sent one. */
    Long timestamp();

    /**
     * The identity of the series this event belongs to inside its app (metric name, vital name,
     * check, ...). With the app it forms the Kafka key, so one series stays on one partition.
     */
    String seriesKey();
}
