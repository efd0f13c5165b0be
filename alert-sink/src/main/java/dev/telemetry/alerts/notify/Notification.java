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
 * @param groupFiring whether any alert of the whole group fires, also when only a resolution of
 *                    one of them is left to send (PagerDuty resolves the group's incident only when none does)
 * @param storm       set when this is a receiver's storm notification: the groups folded into it
 */
public record Notification(String groupKey, Map<String, String> groupLabels, List<AlertEvent> alerts, String idempotencyKey,
                           boolean groupFiring, Storm storm) {

    public Notification {
        groupLabels = Map.copyOf(groupLabels);
        alerts = List.copyOf(alerts);
    }

    /** A group's notification whose alerts are all of the group. */
    public Notification(String groupKey, Map<String, String> groupLabels, List<AlertEvent> alerts, String idempotencyKey) {
        this(groupKey, groupLabels, alerts, idempotencyKey, anyFiring(alerts), null);
    }

    /**
     * The groups a receiver did not get on their own because it was over its storm limit.
     *
     * @param receiver  the receiver that was over its limit
     * @param limit     its notifications a minute
     * @param groups    how many groups were folded
     * @param examples  the first of them (group labels as {@code name=value, ...}), bounded
     * @param seeAt     where to see them all
     */
    public record Storm(String receiver, int limit, int groups, List<String> examples, String seeAt) {

        public Storm {
            examples = List.copyOf(examples);
        }
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
        return new Notification(groupKey, groupLabels, alerts, key(groupKey, alerts, suffix));
    }

    /** A receiver's storm notification: the alerts of every folded group, told in one message. */
    public static Notification storm(Storm storm, List<AlertEvent> alerts) {
        String groupKey = groupKey(Map.of("storm", storm.receiver()));
        return new Notification(groupKey, Map.of("alertname", "AlertStorm", "receiver", storm.receiver()), alerts,
                "storm:" + hash(groupKey + alerts.stream().map(Notifier::idempotencyKey).sorted().toList()), anyFiring(alerts), storm);
    }

    /** This notification with only {@code left} of its alerts still to send; the group's state stays as it was. */
    public Notification withAlerts(List<AlertEvent> left) {
        String key = storm == null ? key(groupKey, left, "") : idempotencyKey;
        return new Notification(groupKey, groupLabels, left, key, groupFiring, storm);
    }

    private static String key(String groupKey, List<AlertEvent> alerts, String suffix) {
        return alerts.size() == 1 && suffix.isEmpty() ? Notifier.idempotencyKey(alerts.get(0))
                : "group:" + hash(groupKey + alerts.stream().map(Notifier::idempotencyKey).sorted().toList()) + suffix;
    }

    private static boolean anyFiring(List<AlertEvent> alerts) {
        return alerts.stream().anyMatch(a -> a.status() == AlertStatus.FIRING);
    }

    /** Firing while any alert fires, as in Alertmanager. */
    public AlertStatus status() {
        return anyFiring(alerts) ? AlertStatus.FIRING : AlertStatus.RESOLVED;
    }

    /** A key that stays the same for every notification of this group (PagerDuty's {@code dedup_key}). */
    public String stableGroupKey() {
        return storm != null ? "alert-storm/" + storm.receiver() : "group:" + hash(groupKey);
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
