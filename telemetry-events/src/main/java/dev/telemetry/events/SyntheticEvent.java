package dev.telemetry.events;

import dev.telemetry.events.validation.FieldReader;

/**
 * The result of one synthetic check run (the seed's {@code synthetic-tests.js}): {@code {check, success, error,
 * durationMs, timestamp}}, plus the optional {@code consecutiveFailures} the prober sends: how many runs of
 * the check have failed in a row, this one included (0 after a success). The seed's payload, without it,
 * stays valid.
 */
public record SyntheticEvent(String check, boolean success, String error, Double durationMs, Long timestamp,
                             Integer consecutiveFailures) implements TelemetryEvent {

    /** A result without a failure count, as the seed's script sends it. */
    public SyntheticEvent(String check, boolean success, String error, Double durationMs, Long timestamp) {
        this(check, success, error, durationMs, timestamp, null);
    }

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
        String check = r.has("check") ? r.requiredName("check") : "default";
        boolean success = r.requiredBoolean("success");
        String error = r.optionalString("error", r.limits().textLength());
        Double durationMs = r.optionalNumber("durationMs");
        if (durationMs != null) {
            r.check(durationMs >= 0, "durationMs", "must not be negative");
        }
        Long timestamp = r.optionalTimestamp("timestamp");
        Integer consecutiveFailures = r.has("consecutiveFailures")
                ? r.requiredInt("consecutiveFailures", 0, Integer.MAX_VALUE) : null;
        return new SyntheticEvent(check, success, error, durationMs, timestamp, consecutiveFailures);
    }
}
