package dev.telemetry.alerts.notify.pagerduty;

import dev.telemetry.alerts.model.Labels;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.telemetry.alerts.notify.AlertText;
import dev.telemetry.alerts.notify.GroupSummary;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One PagerDuty Events API v2 event: {@code trigger} for a firing alert, {@code resolve} for its
 * resolution, both with {@code dedup_key} = the alert's fingerprint so the resolve closes the
 * incident the trigger opened, and a retry never opens a second one.
 *
 * @see <a href="https://developer.pagerduty.com/docs/events-api-v2/trigger-events/">Events API v2</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"routing_key", "event_action", "dedup_key", "payload", "links", "client"})
public record PagerDutyEvent(@JsonProperty("routing_key") String routingKey, @JsonProperty("event_action") String eventAction,
                             @JsonProperty("dedup_key") String dedupKey, Payload payload, List<Link> links, String client) {

    /** PagerDuty refuses events larger than this (512 KB). */
    public static final int MAX_BYTES = 512 * 1024;
    /** PagerDuty's limit on {@code payload.summary}. */
    static final int MAX_SUMMARY = 1024;
    static final String CLIENT = "telemetry-alert-sink";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"summary", "source", "severity", "timestamp", "component", "group", "class", "custom_details"})
    public record Payload(String summary, String source, String severity, String timestamp, String component, String group,
                          @JsonProperty("class") String type, @JsonProperty("custom_details") Map<String, Object> customDetails) {
    }

    public record Link(String href, String text) {
    }

    /**
     * The event of a notification. One alert grouped by all its labels is that alert's event. A group
     * (or a storm) is one incident keyed by {@link Notification#stableGroupKey()}: triggered while
     * any of its alerts fires, with its summary (count, the first few, "and N more") as summary and
     * details; resolved when the notification reports that none does.
     */
    public static PagerDutyEvent of(String routingKey, Notification notification) {
        List<AlertEvent> alerts = notification.alerts();
        if (alerts.size() == 1 && notification.storm() == null && notification.groupLabels().equals(Labels.of(alerts.get(0)))) {
            return of(routingKey, alerts.get(0));
        }
        String key = notification.stableGroupKey();
        if (!notification.groupFiring()) {
            return new PagerDutyEvent(routingKey, "resolve", key, null, null, null);
        }
        GroupSummary summary = GroupSummary.of(notification);
        AlertEvent worst = alerts.stream().filter(a -> a.status() == AlertStatus.FIRING).sorted(GroupSummary.ORDER).findFirst()
                .orElse(alerts.stream().sorted(GroupSummary.ORDER).findFirst().orElseThrow());
        Map<String, String> labels = Labels.of(worst);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("alerts", alerts.size());
        details.put("first", summary.lines());
        if (summary.more() > 0) {
            details.put("more", summary.moreText());
        }
        if (!summary.seeAt().isEmpty()) {
            details.put("see", summary.seeAt());
        }
        details.put("group", new java.util.TreeMap<>(notification.groupLabels()));
        Payload payload = new Payload(truncate(summary.title(), MAX_SUMMARY), labels.getOrDefault("app", CLIENT),
                notification.storm() != null ? "critical" : severity(worst.severity()), null, worst.metric(), labels.get("app"),
                worst.rule(), details);
        return new PagerDutyEvent(routingKey, "trigger", key, payload, null, CLIENT).fitted();
    }

    public static PagerDutyEvent of(String routingKey, AlertEvent alert) {
        if (alert.status() == AlertStatus.RESOLVED) {
            return new PagerDutyEvent(routingKey, "resolve", alert.fingerprint(), null, null, null);
        }
        AlertText text = AlertText.of(alert);
        Map<String, String> labels = Labels.of(alert);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("value", text.value());
        details.put("since", text.since());
        details.put("labels", labels);
        details.put("annotations", new java.util.TreeMap<>(alert.annotations()));
        String summary = truncate(text.headline() + ": " + text.value(), MAX_SUMMARY);
        Payload payload = new Payload(summary, labels.getOrDefault("app", CLIENT), severity(alert.severity()),
                alert.startsAt() == null ? null : alert.startsAt().toString(), alert.metric(), labels.get("app"), alert.rule(), details);
        List<Link> links = text.runbook().isEmpty() ? null : List.of(new Link(text.runbook(), "Runbook"));
        return new PagerDutyEvent(routingKey, "trigger", alert.fingerprint(), payload, links, CLIENT).fitted();
    }

    /** PagerDuty's four severities from the rule's; unknown ones page as {@code error} rather than not at all. */
    static String severity(String severity) {
        String s = severity == null ? "" : severity.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "critical", "fatal", "page" -> "critical";
            case "warning", "warn", "medium" -> "warning";
            case "info", "low", "debug" -> "info";
            default -> "error";
        };
    }

    /**
     * This event within {@link #MAX_BYTES}: long detail values are cut (halving their length until
     * it fits) and marked, so an oversized alert still pages instead of being refused.
     */
    PagerDutyEvent fitted() {
        if (size(this) <= MAX_BYTES) {
            return this;
        }
        int limit = 64 * 1024;
        PagerDutyEvent cut = this;
        while (size(cut) > MAX_BYTES && limit >= 16) {
            Map<String, Object> details = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : payload.customDetails().entrySet()) {
                details.put(e.getKey(), cutValues(e.getValue(), limit));
            }
            details.put("truncated", "details cut to fit PagerDuty's 512 KB limit");
            cut = new PagerDutyEvent(routingKey, eventAction, dedupKey, new Payload(payload.summary(), payload.source(),
                    payload.severity(), payload.timestamp(), payload.component(), payload.group(), payload.type(), details), links, client);
            limit /= 2;
        }
        return cut;
    }

    private static Object cutValues(Object value, int limit) {
        if (value instanceof String s) {
            return truncate(s, limit);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> cut = new LinkedHashMap<>();
            int budget = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = truncate(String.valueOf(e.getKey()), 256);
                Object v = cutValues(e.getValue(), limit);
                budget += key.length() + String.valueOf(v).length();
                if (budget > limit * 4) {
                    cut.put("…", (map.size() - cut.size()) + " more entries not shown");
                    break;
                }
                cut.put(key, v);
            }
            return cut;
        }
        return value;
    }

    static String truncate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, Math.max(0, max - 1)) + "…";
    }

    static int size(PagerDutyEvent event) {
        return JsonCodec.standard().write(event).length;
    }
}
