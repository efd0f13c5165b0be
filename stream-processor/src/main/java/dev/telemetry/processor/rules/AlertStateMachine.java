package dev.telemetry.processor.rules;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prometheus' alert lifecycle over closed windows, for one rule and one series: inactive → pending →
 * firing → resolved. Pure, so every transition is tested without Kafka.
 *
 * <ul>
 *   <li>A breaching window starts a run. The alert fires once the run's consecutive breaching windows
 *       cover the rule's {@code duration} ({@code lastBreachEnd - startsAt >= duration}); before that it
 *       is pending. With {@code duration} 0, or not longer than one window, it fires on the first one.</li>
 *   <li>A pending alert whose condition stops holding becomes inactive again without a record, as in
 *       Prometheus: nothing was ever notified.</li>
 *   <li>A firing alert resolves once the condition has not held for {@code keepFiringFor}
 *       ({@code windowEnd - lastBreachEnd >= keepFiringFor}); a breach in between keeps it firing.</li>
 *   <li>Windows without a summary (the series sent nothing) count as windows in which the condition did
 *       not hold, as a stale series in Prometheus: they break a pending run and count towards
 *       {@code keepFiringFor}. They are only noticed when the series' next summary arrives.</li>
 * </ul>
 * Every state change yields exactly one {@link AlertEvent}; windows that change nothing yield none.
 */
public final class AlertStateMachine {

    /** The state to keep after a window (null: inactive, forget it) and the state changes it caused, in order. */
    public record Step(AlertState state, List<AlertEvent> events) {
    }

    private AlertStateMachine() {
    }

    /** Evaluates one closed window of a series the rule {@linkplain AlertRule#matches matches}. */
    public static Step evaluate(AlertRule rule, Summary summary, AlertState current) {
        if (current != null && !summary.windowEnd().isAfter(current.lastEvaluatedEnd())) {
            // A window at or before one already evaluated (a replay) must not change the alert twice.
            return new Step(current, List.of());
        }
        List<AlertEvent> events = new ArrayList<>();
        AlertState state = current;
        if (state != null && summary.windowStart().isAfter(state.lastEvaluatedEnd())) {
            state = notHolding(rule, summary, state, summary.windowStart(), events);
        }
        if (rule.breachedBy(summary)) {
            state = holding(rule, summary, state, events);
        } else if (state != null) {
            state = notHolding(rule, summary, state, summary.windowEnd(), events);
        }
        return new Step(state, List.copyOf(events));
    }

    private static AlertState holding(AlertRule rule, Summary summary, AlertState state, List<AlertEvent> events) {
        Instant end = summary.windowEnd();
        if (state == null) {
            Instant startsAt = summary.windowStart();
            AlertStatus status = covers(rule, startsAt, end) ? AlertStatus.FIRING : AlertStatus.PENDING;
            events.add(event(rule, summary, status, startsAt, null, end));
            return new AlertState(status, startsAt, end, end);
        }
        if (state.status() == AlertStatus.PENDING && covers(rule, state.startsAt(), end)) {
            events.add(event(rule, summary, AlertStatus.FIRING, state.startsAt(), null, end));
            return new AlertState(AlertStatus.FIRING, state.startsAt(), end, end);
        }
        return new AlertState(state.status(), state.startsAt(), end, end);
    }

    /** The condition did not hold from {@code state.lastEvaluatedEnd()} until {@code until}. */
    private static AlertState notHolding(AlertRule rule, Summary summary, AlertState state, Instant until,
                                         List<AlertEvent> events) {
        if (state.status() == AlertStatus.PENDING) {
            return null;
        }
        if (Duration.between(state.lastBreachEnd(), until).compareTo(rule.keepFiringFor()) >= 0) {
            events.add(event(rule, summary, AlertStatus.RESOLVED, state.startsAt(), state.lastBreachEnd(), until));
            return null;
        }
        return new AlertState(AlertStatus.FIRING, state.startsAt(), state.lastBreachEnd(), until);
    }

    private static boolean covers(AlertRule rule, Instant startsAt, Instant lastBreachEnd) {
        return Duration.between(startsAt, lastBreachEnd).compareTo(rule.forDuration()) >= 0;
    }

    private static AlertEvent event(AlertRule rule, Summary summary, AlertStatus status, Instant startsAt,
                                    Instant endsAt, Instant evaluatedAt) {
        Map<String, String> labels = new LinkedHashMap<>(summary.labels());
        // Identifying labels last, so a series tag named like one of them cannot hide it.
        labels.put("alertname", rule.name());
        labels.put("app", summary.app());
        labels.put("severity", rule.severity().wireName());
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, AlertFingerprint.of(rule.name(), summary.app(), summary.series()),
                status, rule.name(), summary.metric(), rule.stat().wireName(), labels, rule.stat().of(summary),
                rule.threshold(), rule.operator().wireName(), rule.severity().wireName(), rule.channels(),
                rule.annotations(), startsAt, endsAt, evaluatedAt);
    }
}
