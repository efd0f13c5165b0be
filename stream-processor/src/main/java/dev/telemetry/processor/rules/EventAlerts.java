package dev.telemetry.processor.rules;

import dev.telemetry.events.SeriesKeys;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts raised by events rather than by a rule over windows: security events reported high, errors that should
 * alert, regressed error fingerprints, and the rollups of per-item findings (rate limit, injection attempts, new
 * error fingerprints) per rule, app and window. Each is one {@code firing} record; there is no condition that
 * could stop holding, so receivers resolve them by their own timeout (Alertmanager's {@code resolve_timeout}).
 * The fingerprint is stable per alert name, app and subject, so repeats group and deduplicate downstream.
 */
public final class EventAlerts {

    private EventAlerts() {
    }

    /**
     * @param name    the alert's name ({@code alertname}), e.g. {@code rate_limit_exceeded}
     * @param metric  what was measured or seen, e.g. {@code requests_per_minute}
     * @param subject labels naming what the alert is about (ip, endpoint, fingerprint, ...)
     */
    public static AlertEvent firing(String name, String metric, String app, Map<String, String> subject, double value,
                                    double threshold, Operator operator, Severity severity, List<String> channels,
                                    Map<String, String> annotations, Instant startsAt) {
        return alert(name, metric, app, subject, value, threshold, operator, severity, channels, annotations, startsAt,
                startsAt);
    }

    /**
     * The rollup of one rule's per-item findings for an app and window: labelled by alert name, app and severity
     * only, so its fingerprint is the same for every window of that rule and app and a receiver's grouping and
     * dedup key stay stable; what it rolls up is in its value and annotations. Every update of one window carries
     * that window's start as {@code startsAt}, so it is one alert to the sink, refreshed as {@code evaluatedAt} moves.
     */
    public static AlertEvent rollup(String name, String metric, String app, double value, double threshold,
                                    Operator operator, Severity severity, List<String> channels,
                                    Map<String, String> annotations, Instant startsAt, Instant evaluatedAt) {
        return alert(name, metric, app, Map.of(), value, threshold, operator, severity, channels, annotations, startsAt,
                evaluatedAt);
    }

    private static AlertEvent alert(String name, String metric, String app, Map<String, String> subject, double value,
                                    double threshold, Operator operator, Severity severity, List<String> channels,
                                    Map<String, String> annotations, Instant startsAt, Instant evaluatedAt) {
        Map<String, String> labels = new LinkedHashMap<>(subject);
        labels.put("alertname", name);
        labels.put("app", app);
        labels.put("severity", severity.wireName());
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, AlertFingerprint.of(name, app, SeriesKeys.format(metric, subject)),
                AlertStatus.FIRING, name, metric, "count", labels, value, threshold, operator.wireName(),
                severity.wireName(), channels, annotations, startsAt, null, evaluatedAt);
    }
}
