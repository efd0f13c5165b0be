package dev.telemetry.events;

import dev.telemetry.events.validation.FieldReader;

/** A failed request seen by a client, from the seed's {@code trackNetworkError(url, status, method, duration)}. */
public record NetworkErrorEvent(String url, int status, String method, double duration, Long timestamp) implements TelemetryEvent {

    @Override
    public EventType eventType() {
        return EventType.NETWORK_ERROR;
    }

    @Override
    public String seriesKey() {
        return method + " " + url;
    }

    /** The seed also reports a server error ({@code status >= 500}) as an error message. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isServerError() {
        return status >= 500;
    }

    /** The error the seed's {@code Sentry.captureMessage} would record for a server error. */
    public ErrorEvent asServerError() {
        return new ErrorEvent("Server Error: " + status + " on " + method + " " + url, "ServerError", null, null,
                java.util.Map.of("status", String.valueOf(status)), "error", url, timestamp);
    }

    public static NetworkErrorEvent read(FieldReader r) {
        String url = r.requiredString("url", r.limits().nameLength());
        // 0 is what fetch reports for a request that never got a response (CORS, offline).
        int status = r.requiredInt("status", 0, 599);
        r.check(status == 0 || status >= 100, "status", "must be 0 (no response) or an HTTP status between 100 and 599, got " + status);
        String method = r.requiredString("method", 16);
        double duration = r.requiredNumber("duration");
        r.check(duration >= 0, "duration", "must not be negative");
        Long timestamp = r.optionalTimestamp("timestamp");
        return new NetworkErrorEvent(url, status, method, duration, timestamp);
    }
}
