package dev.telemetry.events;

import dev.telemetry.events.validation.FieldReader;

/**
 * One served request, as an app server logs it: the inputs of the seed's {@code detectAnomalousRequest}
 * and the source of error rate and latency.
 */
public record RequestEvent(String ip, String method, String endpoint, int status, double durationMs,
                           String userAgent, String userId, String query, Long timestamp) implements TelemetryEvent {

    @Override
    public EventType eventType() {
        return EventType.REQUEST;
    }

    @Override
    public String seriesKey() {
        return endpoint;
    }

    public static RequestEvent read(FieldReader r) {
        int n = r.limits().nameLength();
        String ip = r.requiredString("ip", 64);
        String method = r.requiredString("method", 16);
        String endpoint = r.requiredString("endpoint", n);
        int status = r.requiredInt("status", 100, 599);
        double durationMs = r.requiredNumber("durationMs");
        r.check(durationMs >= 0, "durationMs", "must not be negative");
        String userAgent = r.optionalString("userAgent", n);
        String userId = r.optionalString("userId", n);
        String query = r.optionalString("query", r.limits().textLength());
        Long timestamp = r.optionalTimestamp("timestamp");
        return new RequestEvent(ip, method, endpoint, status, durationMs, userAgent, userId, query, timestamp);
    }
}
