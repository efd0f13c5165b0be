package dev.telemetry.alerts.notify.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.telemetry.alerts.model.Labels;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.events.derived.AlertEvent;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's webhook payload, version 4, so receivers written for Alertmanager work unchanged:
 * {@code alerts} holds every alert of the notification. Two fields are added, which such receivers
 * ignore: {@code alertCount} and {@code summary}, the text a person reads first (the count, the
 * first few alerts and "and N more", see {@link dev.telemetry.alerts.notify.GroupSummary}).
 *
 * @see <a href="https://prometheus.io/docs/alerting/latest/configuration/#webhook_config">webhook_config</a>
 */
@JsonPropertyOrder({"version", "groupKey", "truncatedAlerts", "status", "receiver", "groupLabels", "commonLabels",
        "commonAnnotations", "externalURL", "alerts", "alertCount", "summary"})
public record WebhookMessage(String version, String groupKey, int truncatedAlerts, String status, String receiver,
                             Map<String, String> groupLabels, Map<String, String> commonLabels,
                             Map<String, String> commonAnnotations,
                             @JsonProperty("externalURL") String externalUrl, List<Alert> alerts, int alertCount,
                             String summary) {

    public static final String VERSION = "4";

    /** Go's zero time: what Alertmanager sends as {@code endsAt} of an alert that has not ended. */
    static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    /** One alert of the payload. */
    @JsonPropertyOrder({"status", "labels", "annotations", "startsAt", "endsAt", "generatorURL", "fingerprint"})
    public record Alert(String status, Map<String, String> labels, Map<String, String> annotations, String startsAt,
                        String endsAt, @JsonProperty("generatorURL") String generatorUrl, String fingerprint) {
    }

    /** The payload notifying {@code receiver} of one alert (firing or resolved). */
    public static WebhookMessage of(String receiver, String externalUrl, AlertEvent alert) {
        return of(receiver, externalUrl, Notification.single(alert, ""));
    }

    /** The payload notifying {@code receiver} of a group: common labels and annotations are those all alerts share. */
    public static WebhookMessage of(String receiver, String externalUrl, Notification notification) {
        List<Alert> items = new java.util.ArrayList<>();
        Map<String, String> commonLabels = null;
        Map<String, String> commonAnnotations = null;
        for (AlertEvent alert : notification.alerts()) {
            Map<String, String> labels = Labels.of(alert);
            Map<String, String> annotations = Labels.annotations(alert);
            items.add(new Alert(alert.status().wireName(), labels, annotations,
                    alert.startsAt() == null ? ZERO_TIME : alert.startsAt().toString(),
                    alert.endsAt() == null ? ZERO_TIME : alert.endsAt().toString(), "", alert.fingerprint()));
            commonLabels = intersect(commonLabels, labels);
            commonAnnotations = intersect(commonAnnotations, annotations);
        }
        return new WebhookMessage(VERSION, notification.groupKey(), 0, notification.status().wireName(), receiver,
                new TreeMap<>(notification.groupLabels()), commonLabels, commonAnnotations, externalUrl, items, items.size(),
                dev.telemetry.alerts.notify.GroupSummary.of(notification).plain());
    }

    private static Map<String, String> intersect(Map<String, String> common, Map<String, String> next) {
        if (common == null) {
            return new TreeMap<>(next);
        }
        common.entrySet().removeIf(e -> !e.getValue().equals(next.get(e.getKey())));
        return common;
    }


    /** Alertmanager's form: route key, then the group labels as {@code {name="value", ...}}. */
    static String groupKey(Map<String, String> labels) {
        return Notification.groupKey(labels);
    }
}
