package dev.telemetry.alerts.notify;

import dev.telemetry.alerts.model.Labels;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a person woken at night reads first, shared by the human-facing receivers (Slack, e-mail,
 * Sentry): what fires where, the value against the threshold, since when, the labels and the
 * runbook. Plain text; each receiver escapes it for its own markup.
 */
public record AlertText(String headline, String value, String since, String labels, String summary, String runbook) {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    public static AlertText of(AlertEvent alert) {
        Map<String, String> labels = Labels.of(alert);
        String status = alert.status() == AlertStatus.RESOLVED ? "RESOLVED" : "FIRING";
        String app = labels.get("app");
        String headline = "[" + status + "] " + alert.rule() + (app == null ? "" : " on " + app)
                + (alert.severity() == null ? "" : " (" + alert.severity() + ")");
        String value = alert.metric() + (alert.stat() == null ? "" : " " + alert.stat()) + " is " + number(alert.value())
                + ", threshold " + symbol(alert.operator()) + " " + number(alert.threshold());
        String since = alert.status() == AlertStatus.RESOLVED && alert.startsAt() != null && alert.endsAt() != null
                ? "resolved at " + TIME.format(alert.endsAt()) + " after " + minutes(alert.startsAt(), alert.endsAt())
                : "firing since " + (alert.startsAt() == null ? "unknown" : TIME.format(alert.startsAt()));
        String labelText = labels.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        String summary = alert.annotations().getOrDefault("summary", alert.annotations().getOrDefault("description", ""));
        String runbook = alert.annotations().getOrDefault("runbook_url", alert.annotations().getOrDefault("runbook", ""));
        return new AlertText(headline, value, since, labelText, summary, runbook);
    }

    /** The whole message as plain text lines. */
    public String plain() {
        StringBuilder text = new StringBuilder(headline).append('\n');
        if (!summary.isEmpty()) {
            text.append(summary).append('\n');
        }
        text.append(value).append('\n').append(since).append('\n').append("Labels: ").append(labels).append('\n');
        if (!runbook.isEmpty()) {
            text.append("Runbook: ").append(runbook).append('\n');
        }
        return text.toString();
    }

    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static String symbol(String operator) {
        if (operator == null) {
            return "";
        }
        return switch (operator) {
            case "gt" -> ">";
            case "gte", "ge" -> ">=";
            case "lt" -> "<";
            case "lte", "le" -> "<=";
            case "eq" -> "==";
            case "ne" -> "!=";
            default -> operator;
        };
    }

    private static String minutes(Instant from, Instant to) {
        long minutes = Duration.between(from, to).toMinutes();
        return minutes < 60 ? minutes + " min" : (minutes / 60) + " h " + (minutes % 60) + " min";
    }
}
