package dev.telemetry.events;

import dev.telemetry.events.validation.FieldReader;

/** The result of one synthetic check run (the seed's {@code synthetic-tests.js}): {@code {check, success, error, durationMs, timestamp}}. */
public record SyntheticEvent(String check, boolean success, String error, Double durationMs, Long timestamp) implements TelemetryEvent {

    @Override
    public EventType eventType() {
        return EventType.SYNTHETIC;
    }

    @Override
    public String seriesKey() {
        return check;
    }

    public static SyntheticEvent read(FieldReader r) {
        // The seed's script posts no check name; it is one journey, so "default" names it.
        String check = r.has("check") ? r.requiredString("check", r.limits().nameLength()) : "default";
        boolean success = r.requiredBoolean("success");
        String error = r.optionalString("error", r.limits().textLength());
        Double durationMs = r.optionalNumber("durationMs");
        if (durationMs != null) {
            r.check(durationMs >= 0, "durationMs", "must not be negative");
        }
        Long timestamp = r.optionalTimestamp("timestamp");
        return new SyntheticEvent(check, success, error, durationMs, timestamp);
    }
}
