package dev.telemetry.alerts.notify;

import dev.telemetry.alerts.model.Labels;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * How big a group's notification is, in words every human-facing receiver shows the same way: a
 * title counting the alerts, the first few of them (firing first, then the most severe, then the
 * highest value) and "and N more". A storm notification instead names how many groups were held,
 * the first of them and where to see them all. Plain text; each receiver escapes it for its markup.
 *
 * @param title  e.g. {@code [FIRING:300] alertname=HighLatency, app=shop: 300 alerts}
 * @param lines  one line per alert (or held group) shown
 * @param more   how many are not shown; 0 when all are
 * @param what   what {@code more} counts: {@code alerts} or {@code groups}
 * @param seeAt  where to see all of them; empty when there is nowhere to point
 */
public record GroupSummary(String title, List<String> lines, int more, String what, String seeAt) {

    /** How many alerts a message lists before "and N more". */
    public static final int SHOWN = 5;

    /** Firing first, then the most severe, then the highest value; the fingerprint keeps the order total. */
    public static final Comparator<AlertEvent> ORDER = Comparator
            .comparing((AlertEvent a) -> a.status() == AlertStatus.FIRING ? 0 : 1)
            .thenComparingInt(a -> severityRank(a.severity()))
            .thenComparing(Comparator.comparingDouble(AlertEvent::value).reversed())
            .thenComparing(AlertEvent::fingerprint);

    public GroupSummary {
        lines = List.copyOf(lines);
    }

    public static GroupSummary of(Notification notification) {
        if (notification.storm() != null) {
            return storm(notification);
        }
        List<AlertEvent> alerts = notification.alerts();
        long firing = alerts.stream().filter(a -> a.status() == AlertStatus.FIRING).count();
        long resolved = alerts.size() - firing;
        String title = (firing > 0 ? "[FIRING:" + firing + "] " : "") + (resolved > 0 ? "[RESOLVED:" + resolved + "] " : "")
                + labelText(notification.groupLabels()) + ": " + count(alerts.size(), "alert");
        List<String> lines = alerts.stream().sorted(ORDER).limit(SHOWN).map(a -> line(a, notification.groupLabels())).toList();
        return new GroupSummary(title, lines, alerts.size() - lines.size(), "alerts", "");
    }

    private static GroupSummary storm(Notification notification) {
        Notification.Storm storm = notification.storm();
        String title = "[STORM] " + storm.receiver() + ": " + count(storm.groups(), "group") + " (" + count(notification.alerts().size(), "alert")
                + ") held back, over the limit of " + storm.limit() + " notifications a minute";
        return new GroupSummary(title, storm.examples(), storm.groups() - storm.examples().size(), "groups", storm.seeAt());
    }

    /** The whole summary as plain text lines. */
    public String plain() {
        StringBuilder text = new StringBuilder(title).append('\n');
        lines.forEach(line -> text.append("- ").append(line).append('\n'));
        if (more > 0) {
            text.append(moreText()).append('\n');
        }
        if (!seeAt.isEmpty()) {
            text.append("See all: ").append(seeAt).append('\n');
        }
        return text.toString();
    }

    /** {@code and 295 more alerts}, or empty when all are shown. */
    public String moreText() {
        return more > 0 ? "and " + more + " more " + what : "";
    }

    /** One alert: its severity, the labels that set it apart in its group, and its value against the threshold. */
    static String line(AlertEvent alert, Map<String, String> groupLabels) {
        Map<String, String> own = new TreeMap<>(Labels.of(alert));
        own.keySet().removeAll(groupLabels.keySet());
        own.remove("severity");
        String status = alert.status() == AlertStatus.RESOLVED ? "resolved " : "";
        String apart = own.isEmpty() ? alert.rule() : labelText(own);
        return status + (alert.severity() == null ? "" : "(" + alert.severity() + ") ") + apart + ": " + AlertText.of(alert).value();
    }

    /** Labels as {@code name=value, ...}, sorted by name. */
    public static String labelText(Map<String, String> labels) {
        return new TreeMap<>(labels).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    /** Most severe first: critical (and PagerDuty's and Sentry's names for it), high/error, warning, info, anything else. */
    static int severityRank(String severity) {
        String s = severity == null ? "" : severity.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "critical", "fatal", "page" -> 0;
            case "high", "error" -> 1;
            case "warning", "warn", "medium" -> 2;
            case "info", "low", "debug" -> 3;
            default -> 4;
        };
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
