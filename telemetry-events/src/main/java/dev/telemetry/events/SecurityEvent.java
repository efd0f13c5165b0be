package dev.telemetry.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.validation.FieldReader;
import java.util.List;

/** A security event from the seed's {@code reportSecurityEvent}: {@code {event, data, timestamp, severity}}. */
public record SecurityEvent(String event, JsonNode data, Long timestamp, String severity) implements TelemetryEvent {

    public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

    @Override
    public EventType eventType() {
        return EventType.SECURITY;
    }

    @Override
    public String seriesKey() {
        return event;
    }

    public static SecurityEvent read(FieldReader r) {
        String event = r.requiredString("event", r.limits().nameLength());
        JsonNode data = r.optionalObject("data");
        Long timestamp = r.optionalTimestamp("timestamp");
        String severity = r.optionalString("severity", 16);
        if (severity != null) {
            r.check(SEVERITIES.contains(severity), "severity", "must be one of " + SEVERITIES);
        }
        return new SecurityEvent(event, data, timestamp, severity == null ? "medium" : severity);
    }
}
