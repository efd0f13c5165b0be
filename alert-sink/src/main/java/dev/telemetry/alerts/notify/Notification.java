package dev.telemetry.alerts.notify;

import dev.telemetry.alerts.model.Labels;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One notification to one receiver: the alerts of one group (Alertmanager's aggregation group)
 * and the idempotency key that identifies it across retries and restarts.
 *
 * @param groupKey    Alertmanager's form, {@code {}:{app="shop"}}
 * @param groupLabels the labels the group is defined by
 */
public record Notification(String groupKey, Map<String, String> groupLabels, List<AlertEvent> alerts, String idempotencyKey) {

    public Notification {
        groupLabels = Map.copyOf(groupLabels);
        alerts = List.copyOf(alerts);
    }

    /** A group of one alert grouped by all its labels, keyed like the alert itself. */
    public static Notification single(AlertEvent alert, String idempotencyKey) {
        Map<String, String> labels = Labels.of(alert);
        return new Notification(groupKey(labels), labels, List.of(alert), idempotencyKey);
    }

    /**
     * A group's notification. One alert keeps that alert's key; several get a key derived from the
     * group and each alert's key, so the same content always has the same key.
     */
    public static Notification of(String groupKey, Map<String, String> groupLabels, List<AlertEvent> alerts, String suffix) {
        String key = alerts.size() == 1 && suffix.isEmpty() ? Notifier.idempotencyKey(alerts.get(0))
                : "group:" + hash(groupKey + alerts.stream().map(Notifier::idempotencyKey).sorted().toList()) + suffix;
        return new Notification(groupKey, groupLabels, alerts, key);
    }

    /** Firing while any alert fires, as in Alertmanager. */
    public AlertStatus status() {
        return alerts.stream().anyMatch(a -> a.status() == AlertStatus.FIRING) ? AlertStatus.FIRING : AlertStatus.RESOLVED;
    }

    /** Alertmanager's form: route key, then the group labels as {@code {name="value", ...}}. */
    public static String groupKey(Map<String, String> labels) {
        StringBuilder key = new StringBuilder("{}:{");
        String separator = "";
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            key.append(separator).append(label.getKey()).append("=\"")
                    .append(label.getValue().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
            separator = ", ";
        }
        return key.append('}').toString();
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
