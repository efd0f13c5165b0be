package dev.telemetry.service.ops;

import java.util.Map;

/**
 * A service's health as the seed's {@code HealthCheckResult} shape reports it:
 * {@code healthy} (200), {@code degraded} (503) or {@code unhealthy} (500), with named checks.
 */
public record Health(Status status, Map<String, Boolean> checks, Map<String, Object> details) {

    public enum Status {
        HEALTHY(200), DEGRADED(503), UNHEALTHY(500);

        private final int httpStatus;

        Status(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The response body in the seed's {@code HealthCheckResult} shape:
     * {@code {status, timestamp, version, checks, metrics: {uptime, memory_usage, response_time}}}.
     */
    public Map<String, Object> body(String version, java.time.Duration uptime, double responseTimeMs) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("status", status.wireName());
        body.put("timestamp", java.time.Instant.now().toString());
        body.put("version", version);
        body.put("checks", checks);
        Runtime rt = Runtime.getRuntime();
        body.put("metrics", Map.of(
                "uptime", uptime.toMillis() / 1000.0,
                "memory_usage", (rt.totalMemory() - rt.freeMemory()) / 1024.0 / 1024.0,
                "response_time", responseTimeMs));
        if (!details.isEmpty()) {
            body.put("details", details);
        }
        return body;
    }

    /** Healthy when every check passes, degraded otherwise. */
    public static Health of(Map<String, Boolean> checks, Map<String, Object> details) {
        boolean all = checks.values().stream().allMatch(Boolean::booleanValue);
        return new Health(all ? Status.HEALTHY : Status.DEGRADED, checks, details);
    }
}
