package dev.telemetry.events;

import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.validation.FieldReader;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every kind of event: its wire name (the {@code "type"} of a mixed batch), its raw topic, record class and reader. */
public enum EventType {
    VITAL("vital", Topic.VITALS, VitalEvent.class, VitalEvent::read),
    METRIC("metric", Topic.METRICS, MetricEvent.class, MetricEvent::read),
    ACTION("action", Topic.ACTIONS, ActionEvent.class, ActionEvent::read),
    ERROR("error", Topic.ERRORS, ErrorEvent.class, ErrorEvent::read),
    NETWORK_ERROR("network_error", Topic.ERRORS, NetworkErrorEvent.class, NetworkErrorEvent::read),
    FEEDBACK("feedback", Topic.FEEDBACK, FeedbackEvent.class, FeedbackEvent::read),
    SECURITY("security", Topic.SECURITY, SecurityEvent.class, SecurityEvent::read),
    REQUEST("request", Topic.REQUESTS, RequestEvent.class, RequestEvent::read),
    SYNTHETIC("synthetic", Topic.SYNTHETIC, SyntheticEvent.class, SyntheticEvent::read);

    private static final Map<String, EventType> BY_WIRE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(EventType::wireName, t -> t));

    private final String wireName;
    private final Topic topic;
    private final Class<? extends TelemetryEvent> recordClass;
    private final Function<FieldReader, ? extends TelemetryEvent> reader;

    EventType(String wireName, Topic topic, Class<? extends TelemetryEvent> recordClass,
              Function<FieldReader, ? extends TelemetryEvent> reader) {
        this.wireName = wireName;
        this.topic = topic;
        this.recordClass = recordClass;
        this.reader = reader;
    }

    public String wireName() {
        return wireName;
    }

    public Topic topic() {
        return topic;
    }

    public Class<? extends TelemetryEvent> recordClass() {
        return recordClass;
    }

    /** Reads one client object; the caller keeps the result only if the reader has no violations. */
    public TelemetryEvent read(FieldReader fields) {
        return reader.apply(fields);
    }

    /** Accepts the wire name in any case and with '-' for '_' ({@code network-error}). */
    public static Optional<EventType> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_WIRE.get(name.toLowerCase(Locale.ROOT).replace('-', '_')));
    }

    public static String wireNames() {
        return Arrays.stream(values()).map(EventType::wireName).collect(Collectors.joining(", "));
    }
}
