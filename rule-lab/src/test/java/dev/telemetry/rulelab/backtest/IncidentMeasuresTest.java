package dev.telemetry.rulelab.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.rulelab.backtest.Backtest.FiringInterval;
import dev.telemetry.rulelab.backtest.IncidentMeasures.PerIncident;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The workbook's four measures over hand-made firing intervals and incidents: exact numbers, every edge case. */
class IncidentMeasuresTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant FROM = T0;
    private static final Instant TO = min(120);
    private static final Map<String, String> SHOP = Map.of("alertname", "checkout_slow", "app", "shop");
    private static final Map<String, String> BLOG = Map.of("alertname", "checkout_slow", "app", "blog");

    private static Instant min(int m) {
        return T0.plusSeconds(60L * m);
    }

    private static FiringInterval firing(Map<String, String> labels, int startMin, Integer endMin) {
        return new FiringInterval("fp-" + labels.get("app"), min(startMin), endMin == null ? null : min(endMin), labels,
                1);
    }

    private static Incident incident(String name, int startMin, int endMin, Map<String, String> labels,
                                     List<String> rules) {
        return new Incident(name, min(startMin), min(endMin), labels, rules);
    }

    @Test
    void shouldMeasurePrecisionRecallDetectionAndResetTimes() {
        // Given: three incidents of shop; the rule fires for two of them (late for the first, early for the second)
        // and once for nothing (blog, which no incident names)
        List<Incident> incidents = List.of(
                incident("outage", 10, 20, Map.of("app", "shop"), null),
                incident("slowness", 40, 50, Map.of("app", "shop"), List.of("checkout_slow")),
                incident("missed", 80, 85, Map.of("app", "shop"), null));
        List<FiringInterval> intervals = List.of(
                firing(SHOP, 12, 23),      // detects outage after 2 min, resolves 3 min after its end
                firing(BLOG, 15, 16),      // labels of no incident: a false positive
                firing(SHOP, 38, 45),      // already firing when slowness starts: detection 0
                firing(SHOP, 46, 49));     // resolves 1 min before slowness ends: reset 0

        IncidentMeasures m = IncidentMeasures.of("checkout_slow", intervals, incidents, FROM, TO);

        assertThat(m.precision()).isEqualTo(3 / 4.0);
        assertThat(m.recall()).isEqualTo(2 / 3.0);
        assertThat(m.detection().incidents()).containsExactly(
                new PerIncident("outage", 120.0, null),
                new PerIncident("slowness", 0.0, null),
                new PerIncident("missed", null, "not detected"));
        assertThat(m.detection().meanSeconds()).isEqualTo(60.0);
        assertThat(m.detection().maxSeconds()).isEqualTo(120.0);
        assertThat(m.reset().incidents()).containsExactly(
                new PerIncident("outage", 180.0, null),
                new PerIncident("slowness", 0.0, null),
                new PerIncident("missed", null, "not detected"));
        assertThat(m.reset().meanSeconds()).isEqualTo(90.0);
        assertThat(m.reset().maxSeconds()).isEqualTo(180.0);
    }

    @Test
    void shouldGiveNoPrecisionWhenTheRuleNeverFiredAndCountUndetectedIncidentsInRecallOnly() {
        IncidentMeasures m = IncidentMeasures.of("checkout_slow", List.of(),
                List.of(incident("outage", 10, 20, Map.of(), null)), FROM, TO);

        assertThat(m.precision()).isNull();
        assertThat(m.recall()).isEqualTo(0.0);
        assertThat(m.detection().meanSeconds()).isNull();
        assertThat(m.detection().maxSeconds()).isNull();
        assertThat(m.detection().incidents()).containsExactly(new PerIncident("outage", null, "not detected"));
        assertThat(m.reset().meanSeconds()).isNull();
    }

    @Test
    void shouldLeaveTheResetTimeUnknownWhileTheAlertStillFiresAtTheEndOfTheRange() {
        // An open interval lasts to the range's end for overlapping: it detects an incident that starts after it
        List<Incident> incidents = List.of(incident("outage", 100, 110, Map.of("app", "shop"), null),
                incident("earlier", 5, 10, Map.of("app", "shop"), null));
        List<FiringInterval> intervals = List.of(firing(SHOP, 6, 9), firing(SHOP, 90, null));

        IncidentMeasures m = IncidentMeasures.of("checkout_slow", intervals, incidents, FROM, TO);

        assertThat(m.precision()).isEqualTo(1.0);
        assertThat(m.recall()).isEqualTo(1.0);
        assertThat(m.detection().incidents()).containsExactly(new PerIncident("outage", 0.0, null),
                new PerIncident("earlier", 60.0, null));
        assertThat(m.reset().incidents()).containsExactly(
                new PerIncident("outage", null, "still firing at the end of the range"),
                new PerIncident("earlier", 0.0, null));
        assertThat(m.reset().meanSeconds()).as("the unknown reset is left out").isEqualTo(0.0);
        assertThat(m.reset().maxSeconds()).isEqualTo(0.0);
    }

    @Test
    void shouldCountOnlyIncidentsThatJudgeTheRuleAndLieInTheRange() {
        List<Incident> incidents = List.of(
                incident("other rule's", 10, 20, Map.of(), List.of("error_rate_high")),
                incident("before the range", -30, -10, Map.of(), null),
                incident("touching", 30, 40, Map.of(), null));
        // Resolving exactly when an incident starts, or firing exactly when it ends, is no overlap
        List<FiringInterval> intervals = List.of(firing(SHOP, 25, 30), firing(SHOP, 40, 41), firing(SHOP, 12, 14));

        IncidentMeasures m = IncidentMeasures.of("checkout_slow", intervals, incidents, FROM, TO);

        assertThat(m.precision()).isEqualTo(0.0);
        assertThat(m.recall()).isEqualTo(0.0);
        assertThat(m.detection().incidents()).extracting(PerIncident::incident).containsExactly("touching");

        assertThat(IncidentMeasures.of("error_rate_high", List.of(), List.of(incidents.get(2)), FROM, TO).recall())
                .isEqualTo(0.0);
        assertThat(IncidentMeasures.of("checkout_slow", intervals, List.of(incidents.get(0)), FROM, TO))
                .as("no incident judges the rule: no measures").isSameAs(IncidentMeasures.NOT_JUDGED);
        assertThat(IncidentMeasures.NOT_JUDGED.precision()).isNull();
        assertThat(IncidentMeasures.NOT_JUDGED.recall()).isNull();
    }

    @Test
    void shouldJudgeAnSloBurnRateAlertByItsAlertNameOrItsReportName() {
        Incident all = incident("a", 0, 1, Map.of(), List.of("slo_burn_rate"));
        Incident one = incident("b", 0, 1, Map.of(), List.of("slo_burn_rate:checkout-availability:1h/5m"));

        assertThat(all.judges("slo_burn_rate:checkout-availability:1h/5m")).isTrue();
        assertThat(all.judges("slo_burn_rate:checkout-availability:6h/30m")).isTrue();
        assertThat(one.judges("slo_burn_rate:checkout-availability:1h/5m")).isTrue();
        assertThat(one.judges("slo_burn_rate:checkout-availability:6h/30m")).isFalse();
        assertThat(all.judges("slo_burn_rate_x")).isFalse();
    }
}
