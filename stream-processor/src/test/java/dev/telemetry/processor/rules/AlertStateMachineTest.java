package dev.telemetry.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert lifecycle over one-minute windows, one rule and one series. */
class AlertStateMachineTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    /** Feeds windows in order, like the processor does, and collects every state change. */
    private static final class Series {
        private final AlertRule rule;
        private final Map<String, String> labels;
        private AlertState state;
        private final List<AlertEvent> events = new ArrayList<>();

        Series(AlertRule rule, Map<String, String> labels) {
            this.rule = rule;
            this.labels = labels;
        }

        /** Evaluates window {@code index} (minutes after T0) with mean {@code value}; returns its state changes. */
        List<AlertEvent> window(int index, double value) {
            AlertStateMachine.Step step = AlertStateMachine.evaluate(rule, summary(index, value, labels), state);
            state = step.state();
            events.addAll(step.events());
            return step.events();
        }

        List<AlertStatus> statuses() {
            return events.stream().map(AlertEvent::status).toList();
        }
    }

    @Test
    void shouldGoPendingThenFiringWhenBreachHoldsForDuration() {
        Series series = new Series(rule(3, Duration.ZERO), Map.of());

        assertThat(series.window(0, 150)).extracting(AlertEvent::status).containsExactly(AlertStatus.PENDING);
        assertThat(series.window(1, 160)).isEmpty();
        List<AlertEvent> firing = series.window(2, 170);

        assertThat(firing).hasSize(1);
        assertThat(firing.get(0).status()).isEqualTo(AlertStatus.FIRING);
        assertThat(firing.get(0).startsAt()).isEqualTo(minute(0));
        assertThat(firing.get(0).evaluatedAt()).isEqualTo(minute(3));
        assertThat(firing.get(0).endsAt()).isNull();
        assertThat(firing.get(0).value()).isEqualTo(170.0);
        assertThat(series.window(3, 180)).as("still firing is no change").isEmpty();
    }

    @Test
    void shouldFireOnFirstBreachingWindowWhenDurationIsZero() {
        Series series = new Series(rule(0, Duration.ZERO), Map.of("region", "eu"));

        List<AlertEvent> events = series.window(0, 101);

        assertThat(events).containsExactly(new AlertEvent(1, AlertFingerprint.of("checkout_slow", "shop", "checkout_ms{region=eu}"),
                AlertStatus.FIRING, "checkout_slow", "checkout_ms", "mean",
                Map.of("alertname", "checkout_slow", "app", "shop", "severity", "high", "region", "eu"),
                101.0, 100.0, "gt", "high", List.of("#alerts"), Map.of("summary", "checkout is slow"),
                minute(0), null, minute(1)));
    }

    @Test
    void shouldResolveWhenValueDropsBackUnderThreshold() {
        Series series = new Series(rule(0, Duration.ZERO), Map.of());
        series.window(0, 150);
        series.window(1, 150);

        List<AlertEvent> resolved = series.window(2, 50);

        assertThat(resolved).hasSize(1);
        assertThat(resolved.get(0).status()).isEqualTo(AlertStatus.RESOLVED);
        assertThat(resolved.get(0).startsAt()).isEqualTo(minute(0));
        assertThat(resolved.get(0).endsAt()).as("when the condition stopped holding").isEqualTo(minute(2));
        assertThat(resolved.get(0).evaluatedAt()).isEqualTo(minute(3));
        assertThat(resolved.get(0).value()).isEqualTo(50.0);
        assertThat(series.state).isNull();
        assertThat(series.window(3, 50)).isEmpty();
    }

    @Test
    void shouldKeepFiringWhenConditionReturnsWithinKeepFiringFor() {
        Series series = new Series(rule(0, Duration.ofMinutes(2)), Map.of());
        series.window(0, 150);

        // When: the value flaps around the threshold
        series.window(1, 50);
        series.window(2, 150);
        series.window(3, 50);
        assertThat(series.statuses()).containsExactly(AlertStatus.FIRING);

        // Then: it resolves only after two quiet minutes
        List<AlertEvent> resolved = series.window(4, 50);
        assertThat(resolved).extracting(AlertEvent::status).containsExactly(AlertStatus.RESOLVED);
        assertThat(resolved.get(0).endsAt()).isEqualTo(minute(3));
        assertThat(resolved.get(0).evaluatedAt()).isEqualTo(minute(5));
    }

    @Test
    void shouldFlapWhenKeepFiringForIsZero() {
        Series series = new Series(rule(0, Duration.ZERO), Map.of());

        series.window(0, 150);
        series.window(1, 50);
        series.window(2, 150);

        assertThat(series.statuses()).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED, AlertStatus.FIRING);
    }

    @Test
    void shouldReturnToInactiveSilentlyWhenPendingConditionStops() {
        Series series = new Series(rule(5, Duration.ZERO), Map.of());
        series.window(0, 150);

        assertThat(series.window(1, 50)).isEmpty();
        assertThat(series.state).isNull();

        // A new run starts from scratch: pending again, firing five minutes later.
        series.window(2, 150);
        series.window(3, 150);
        series.window(4, 150);
        series.window(5, 150);
        series.window(6, 150);
        assertThat(series.statuses()).containsExactly(AlertStatus.PENDING, AlertStatus.PENDING, AlertStatus.FIRING);
        assertThat(series.events.get(2).startsAt()).isEqualTo(minute(2));
    }

    @Test
    void shouldRestartPendingRunWhenWindowsAreMissing() {
        Series series = new Series(rule(3, Duration.ZERO), Map.of());
        series.window(0, 150);
        series.window(1, 150);

        // When: the series sends nothing in window 2
        series.window(3, 150);
        series.window(4, 150);

        assertThat(series.statuses()).containsExactly(AlertStatus.PENDING, AlertStatus.PENDING);
        assertThat(series.events.get(1).startsAt()).isEqualTo(minute(3));
        assertThat(series.window(5, 150)).extracting(AlertEvent::status).containsExactly(AlertStatus.FIRING);
    }

    @Test
    void shouldResolveAndStartOverWhenFiringSeriesWasSilentLongerThanKeepFiringFor() {
        Series series = new Series(rule(0, Duration.ofMinutes(1)), Map.of());
        series.window(0, 150);

        List<AlertEvent> events = series.window(5, 150);

        assertThat(events).extracting(AlertEvent::status).containsExactly(AlertStatus.RESOLVED, AlertStatus.FIRING);
        assertThat(events.get(0).endsAt()).isEqualTo(minute(1));
        assertThat(events.get(0).evaluatedAt()).isEqualTo(minute(5));
        assertThat(events.get(1).startsAt()).isEqualTo(minute(5));
    }

    @Test
    void shouldIgnoreWindowWhenItWasAlreadyEvaluated() {
        Series series = new Series(rule(0, Duration.ZERO), Map.of());
        series.window(0, 150);
        series.window(1, 150);

        assertThat(series.window(1, 50)).isEmpty();
        assertThat(series.window(0, 50)).isEmpty();
        assertThat(series.statuses()).containsExactly(AlertStatus.FIRING);
    }

    @Test
    void shouldCompareConfiguredStatisticWhenStatIsSet() {
        AlertRule maxRule = new AlertRule("checkout_spike", "checkout_ms", Statistic.MAX, Map.of(), Operator.GTE, 500.0,
                0, Severity.LOW, List.of(), Map.of(), null);
        Summary meanLowMaxHigh = new Summary(1, "shop", "checkout_ms", "checkout_ms", Map.of(), minute(0), minute(1),
                4, 800.0, 50.0, 500.0, 200.0);

        AlertStateMachine.Step step = AlertStateMachine.evaluate(maxRule, meanLowMaxHigh, null);

        assertThat(step.events()).extracting(AlertEvent::status, AlertEvent::value, AlertEvent::stat)
                .containsExactly(tuple(AlertStatus.FIRING, 500.0, "max"));
    }

    @Test
    void shouldGiveEachSeriesItsOwnStableFingerprintWhenOneRuleMatchesMany() {
        String eu = AlertFingerprint.of("checkout_slow", "shop", "checkout_ms{region=eu}");

        assertThat(eu).hasSize(16).matches("[0-9a-f]{16}")
                .isEqualTo(AlertFingerprint.of("checkout_slow", "shop", "checkout_ms{region=eu}"))
                .isNotEqualTo(AlertFingerprint.of("checkout_slow", "shop", "checkout_ms{region=us}"))
                .isNotEqualTo(AlertFingerprint.of("checkout_slow", "blog", "checkout_ms{region=eu}"))
                .isNotEqualTo(AlertFingerprint.of("checkout_slower", "shop", "checkout_ms{region=eu}"));
    }

    static AlertRule rule(int durationMinutes, Duration keepFiringFor) {
        return new AlertRule("checkout_slow", "checkout_ms", null, Map.of(), Operator.GT, 100.0, durationMinutes,
                Severity.HIGH, List.of("#alerts"), Map.of("summary", "checkout is slow"), keepFiringFor);
    }

    private static Summary summary(int index, double mean, Map<String, String> labels) {
        String series = labels.isEmpty() ? "checkout_ms" : "checkout_ms{region=" + labels.get("region") + "}";
        return new Summary(1, "shop", "checkout_ms", series, labels, minute(index), minute(index + 1), 1, mean, mean,
                mean, mean);
    }

    private static Instant minute(int index) {
        return T0.plus(Duration.ofMinutes(index));
    }
}
