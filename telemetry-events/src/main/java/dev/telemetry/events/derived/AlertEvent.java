package dev.telemetry.events.derived;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One state change of one alert, on {@code telemetry.alerts} (key = fingerprint). The fingerprint
 * is stable for a rule and series, so a sink can deduplicate and a pager can resolve what it
 * triggered.
 *
 * @param rule      the rule's name
 * @param labels    identifying labels: {@code alertname}, {@code app}, {@code severity}, series labels
 * @param value     the statistic's value in the window that caused this change
 * @param startsAt  when the condition began to hold (first breaching window's start)
 * @param endsAt    when it stopped holding; null unless resolved
 * @param evaluatedAt end of the window whose evaluation produced this change
 */
public record AlertEvent(int schemaVersion, String fingerprint, AlertStatus status, String rule, String metric,
                         String stat, Map<String, String> labels, double value, double threshold, String operator,
                         String severity, List<String> channels, Map<String, String> annotations,
                         Instant startsAt, Instant endsAt, Instant evaluatedAt) {

    public static final int SCHEMA_VERSION = 1;

    public AlertEvent {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        channels = channels == null ? List.of() : List.copyOf(channels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    /** What a person reads first, in the seed's words: {@code error_rate is 0.07 (threshold: 0.05)}. */
    public String message() {
        return metric + " is " + value + " (threshold: " + operator + " " + threshold + ")";
    }
}
