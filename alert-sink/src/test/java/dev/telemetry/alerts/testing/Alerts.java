package dev.telemetry.alerts.testing;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Alert events for tests: one rule, one series, in each state. */
public final class Alerts {

    public static final Instant STARTS_AT = Instant.parse("2024-05-01T10:00:00Z");
    public static final Instant ENDS_AT = Instant.parse("2024-05-01T10:07:00Z");

    private Alerts() {
    }

    public static AlertEvent firing(String fingerprint, List<String> channels) {
        return alert(fingerprint, AlertStatus.FIRING, 0.07, channels, STARTS_AT, null);
    }

    public static AlertEvent pending(String fingerprint, List<String> channels) {
        return alert(fingerprint, AlertStatus.PENDING, 0.07, channels, STARTS_AT, null);
    }

    public static AlertEvent resolved(String fingerprint, List<String> channels) {
        return alert(fingerprint, AlertStatus.RESOLVED, 0.01, channels, STARTS_AT, ENDS_AT);
    }

    /** A firing alert of {@code app} with {@code severity} (in its labels, as the processor sets them), for inhibition. */
    public static AlertEvent firing(String fingerprint, String app, String severity) {
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint, AlertStatus.FIRING, "HighErrorRate", "error_rate", "mean",
                Map.of("alertname", "HighErrorRate", "app", app, "severity", severity), 0.3, 0.05, "gt", severity, List.of(),
                Map.of(), STARTS_AT, null, STARTS_AT);
    }

    public static AlertEvent alert(String fingerprint, AlertStatus status, double value, List<String> channels,
                                   Instant startsAt, Instant endsAt) {
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint, status, "HighErrorRate", "error_rate", "mean",
                Map.of("alertname", "HighErrorRate", "app", "shop", "severity", "high"), value, 0.05, "gt", "high",
                channels, Map.of("summary", "Error rate above 5%", "runbook_url", "https://runbooks.example/error-rate"),
                startsAt, endsAt, startsAt.plusSeconds(60));
    }

    /**
     * One endpoint of {@code app} breaching HighLatency: fingerprints differ, alertname and app are shared,
     * so grouping by {@code [alertname, app]} puts every endpoint of an app in one group.
     */
    public static AlertEvent endpoint(String app, int endpoint, String severity, double value, AlertStatus status) {
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, app + "-ep-" + endpoint, status, "HighLatency", "latency_ms", "p99",
                Map.of("alertname", "HighLatency", "app", app, "severity", severity, "endpoint", "/api/" + endpoint), value, 500,
                "gt", severity, List.of(), Map.of(), STARTS_AT, status == AlertStatus.RESOLVED ? ENDS_AT : null, STARTS_AT);
    }
}
