package dev.telemetry.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.validation.FieldReader;

/** A user action from the seed's {@code trackUserAction(...).complete()}: {@code {action, duration, metadata, timestamp}}. */
public record ActionEvent(String action, double duration, JsonNode metadata, Long timestamp) implements TelemetryEvent {

    @Override
    public EventType eventType() {
        return EventType.ACTION;
    }

    @Override
    public String seriesKey() {
        return "action-" + action;
    }

    public static ActionEvent read(FieldReader r) {
        String action = r.requiredName("action");
        double duration = r.requiredNumber("duration");
        r.check(duration >= 0, "duration", "must not be negative");
        JsonNode metadata = r.optionalObject("metadata");
        Long timestamp = r.optionalTimestamp("timestamp");
        return new ActionEvent(action, duration, metadata, timestamp);
    }
}
