package dev.telemetry.alerts.notify.slack;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.telemetry.alerts.notify.AlertText;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.util.List;

/**
 * The body posted to a Slack incoming webhook: {@code text} (the notification preview and the
 * fallback) and one attachment coloured by state whose mrkdwn text holds the details.
 *
 * @see <a href="https://api.slack.com/reference/surfaces/formatting#escaping">Slack escaping</a>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SlackMessage(String text, List<Attachment> attachments) {

    static final String RED = "#d62728";
    static final String GREEN = "#2ca02c";

    /** One attachment; Slack shows {@code title} linked to {@code titleLink} when there is a runbook. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Attachment(String color, String title, @com.fasterxml.jackson.annotation.JsonProperty("title_link") String titleLink,
                             String text, String footer) {
    }

    /**
     * A group in one message: the count per state in the preview, one attachment per alert, so the
     * on-call engineer gets one ping per group instead of one per series.
     */
    public static SlackMessage of(dev.telemetry.alerts.notify.Notification notification) {
        if (notification.alerts().size() == 1) {
            return of(notification.alerts().get(0));
        }
        long firing = notification.alerts().stream().filter(a -> a.status() == AlertStatus.FIRING).count();
        long resolved = notification.alerts().size() - firing;
        String group = notification.groupLabels().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
        String headline = (firing > 0 ? ":rotating_light: [FIRING:" + firing + "]" : ":white_check_mark:")
                + (resolved > 0 ? " [RESOLVED:" + resolved + "]" : "") + " " + escape(group);
        List<Attachment> attachments = notification.alerts().stream().map(a -> of(a).attachments().get(0)).toList();
        return new SlackMessage(headline, attachments);
    }

    public static SlackMessage of(AlertEvent alert) {
        AlertText t = AlertText.of(alert);
        boolean resolved = alert.status() == AlertStatus.RESOLVED;
        StringBuilder body = new StringBuilder();
        if (!t.summary().isEmpty()) {
            body.append(escape(t.summary())).append('\n');
        }
        body.append("*").append(escape(t.value())).append("*\n")
                .append(escape(t.since())).append('\n')
                .append("Labels: `").append(escape(t.labels())).append("`");
        if (!t.runbook().isEmpty()) {
            body.append("\nRunbook: <").append(escape(t.runbook())).append(">");
        }
        String headline = (resolved ? ":white_check_mark: " : ":rotating_light: ") + escape(t.headline());
        return new SlackMessage(headline, List.of(new Attachment(resolved ? GREEN : RED, escape(t.headline()),
                t.runbook().isEmpty() ? null : t.runbook(), body.toString(), "fingerprint " + alert.fingerprint())));
    }

    /** Slack's three control characters; everything else is shown as written. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
