package dev.telemetry.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.validation.FieldReader;
import java.util.Map;
import java.util.Set;

/** An application error from the seed's {@code reportError} / {@code detectPerformanceIssue}. */
public record ErrorEvent(String message, String type, String stack, JsonNode context, Map<String, String> tags,
                         String level, String url, Long timestamp) implements TelemetryEvent {

    /** Sentry's levels; the seed uses {@code warning} and {@code error}. */
    public static final Set<String> LEVELS = Set.of("debug", "info", "warning", "error", "fatal");

    /** The error's class (TypeError, ...) in a mixed batch, where {@code type} is taken by the event kind. */
    public static final String ERROR_TYPE = "errorType";

    public ErrorEvent {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    @Override
    public EventType eventType() {
        return EventType.ERROR;
    }

    @Override
    public String seriesKey() {
        return type == null ? "Error" : type;
    }

    public static ErrorEvent read(FieldReader r) {
        String message = r.requiredString("message", r.limits().textLength());
        // In a mixed batch "type" names the event kind ("error"), so there the error's class travels as
        // "errorType"; on /api/errors the seed's "type" is the class. errorType wins when both are sent.
        String type = r.has(ERROR_TYPE) ? r.optionalString(ERROR_TYPE, r.limits().nameLength())
                : r.optionalString("type", r.limits().nameLength());
        String stack = r.optionalString("stack", r.limits().stackLength());
        JsonNode context = r.optionalObject("context");
        Map<String, String> tags = r.optionalTags("tags");
        String level = r.optionalString("level", r.limits().nameLength());
        if (level != null) {
            r.check(LEVELS.contains(level), "level", "must be one of " + LEVELS);
        }
        String url = r.optionalString("url", r.limits().nameLength());
        Long timestamp = r.optionalTimestamp("timestamp");
        return new ErrorEvent(message, type, stack, context, tags, level, url, timestamp);
    }
}
