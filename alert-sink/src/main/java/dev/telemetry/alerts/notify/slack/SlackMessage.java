package dev.telemetry.alerts.notify.slack;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.telemetry.alerts.notify.AlertText;
import dev.telemetry.alerts.notify.GroupSummary;
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
     * A group in one message: the preview counts the alerts per state, then one attachment for each
     * of the first few (most severe, then highest value) and one saying how many more there are, so
     * the on-call engineer gets one ping per group instead of one per series, and Slack's limit on
     * attachments is never reached. A storm notification lists the groups held instead.
     */
    public static SlackMessage of(dev.telemetry.alerts.notify.Notification notification) {
        if (notification.alerts().size() == 1 && notification.storm() == null) {
            return of(notification.alerts().get(0));
        }
        GroupSummary summary = GroupSummary.of(notification);
        boolean firing = notification.status() == AlertStatus.FIRING;
        String headline = (firing ? ":rotating_light: " : ":white_check_mark: ") + escape(summary.title());
        List<Attachment> attachments = new java.util.ArrayList<>();
        if (notification.storm() == null) {
            notification.alerts().stream().sorted(GroupSummary.ORDER).limit(GroupSummary.SHOWN)
                    .forEach(a -> attachments.add(of(a).attachments().get(0)));
        } else {
            attachments.add(new Attachment(RED, "Groups held", null,
                    escape(String.join("\n", summary.lines())), null));
        }
        if (summary.more() > 0 || !summary.seeAt().isEmpty()) {
            String rest = summary.moreText() + (summary.seeAt().isEmpty() ? "" : "\nSee all: <" + escape(summary.seeAt()) + ">");
            attachments.add(new Attachment(firing ? RED : GREEN, null, null, rest.strip(), null));
        }
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
