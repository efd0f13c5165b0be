package dev.telemetry.processor.rollup;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.processor.rules.EventAlerts;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.stage.Offense;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One rule's rollup for one app and window, without its per-item counts (those are kept one entry per item, see
 * {@link EventRollupProcessor}): how many items, how many of them counted one by one, and what was last told.
 * A pure value: {@link EventRollupProcessor} only stores it and acts on its answers, as
 * {@link dev.telemetry.processor.rules.AlertStateMachine} is to the alert rules.
 *
 * @param rule          what every item of this rollup shares (rule, app, wording); its subject is the first item's
 * @param severity      the most severe item's severity, wire name (new error fingerprints differ in severity)
 * @param count         items in the window
 * @param distinct      distinct items counted one by one (at most {@code maxSubjects})
 * @param others        items of further distinct subjects, counted only in bulk once {@code maxSubjects} was reached
 * @param notifiedCount the count the last emitted alert carried; 0 before the first
 * @param notifiedAt    when (wall clock, epoch millis) the last alert was emitted
 */
public record RollupWindow(Offense rule, String severity, long count, long distinct, long others, long notifiedCount,
                           long notifiedAt) {

    /** The window's first item. */
    static RollupWindow first(Offense offense) {
        return new RollupWindow(offense, offense.severity(), 1, 1, 0, 0, Long.MIN_VALUE);
    }

    /** One more item: {@code newSubject} when its subject was not seen yet, {@code kept} when it is counted one by one. */
    RollupWindow add(Offense offense, boolean newSubject, boolean kept) {
        Severity worst = Severity.fromWireName(severity);
        Severity its = Severity.fromWireName(offense.severity());
        return new RollupWindow(rule, (its.compareTo(worst) > 0 ? its : worst).wireName(), count + 1,
                distinct + (newSubject && kept ? 1 : 0), others + (kept ? 0 : 1), notifiedCount, notifiedAt);
    }

    /** Whether a new subject is counted one by one, or only among the others. */
    boolean keeps(int maxSubjects) {
        return distinct < maxSubjects;
    }

    /**
     * Whether an alert is due at {@code now}: at once for the window's first item (on-call hears at the first
     * offender), then only when the count grew and at least {@code interval} passed since the last one.
     */
    boolean updateDue(long now, Duration interval) {
        return notifiedCount == 0 || count > notifiedCount && now - notifiedAt >= interval.toMillis();
    }

    /** Whether the window has grown since its last alert: its close then sends a final one. */
    boolean grownSinceNotified() {
        return count > notifiedCount;
    }

    RollupWindow notified(long now) {
        return new RollupWindow(rule, severity, count, distinct, others, count, now);
    }

    private static final DateTimeFormatter WINDOW_START =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /**
     * The rollup alert as of now. Value: the items in the window. Annotations: {@code count}, {@code distinct_ips}
     * or {@code distinct_fingerprints} (with a trailing {@code +} once the kept subjects reached their bound),
     * {@code others} (items beyond that bound), {@code top_offenders} ("subject (count), ..." most first),
     * {@code window_start}, {@code window_end} and a one-line {@code summary}.
     *
     * @param top the most frequent subjects, most first, at most as many as the alert names
     */
    AlertEvent alert(long windowStart, long windowSize, List<Map.Entry<String, Long>> top, List<String> channels,
                     long now) {
        String distinctText = distinct + (others > 0 ? "+" : "");
        String plural = "ip".equals(rule.subjectKind()) ? "IPs" : rule.subjectKind() + "s";
        Instant start = Instant.ofEpochMilli(windowStart);
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", distinctText + " " + plural + " " + rule.description() + " on " + rule.app()
                + " in the window from " + WINDOW_START.format(start) + " (" + count + " findings)");
        annotations.put("count", Long.toString(count));
        annotations.put("distinct_" + plural.toLowerCase(java.util.Locale.ROOT), distinctText);
        if (others > 0) {
            annotations.put("others", Long.toString(others));
        }
        annotations.put("top_offenders", top.stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                .collect(Collectors.joining(", ")));
        annotations.put("window_start", start.toString());
        annotations.put("window_end", Instant.ofEpochMilli(windowStart + windowSize).toString());
        return EventAlerts.rollup(rule.rule(), rule.metric(), rule.app(), count, rule.threshold(),
                Operator.fromWireName(rule.operator()), Severity.fromWireName(severity), channels, annotations, start,
                Instant.ofEpochMilli(now));
    }
}
