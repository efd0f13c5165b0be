package dev.telemetry.rulelab.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.rulelab.backtest.Backtest.FiringInterval;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two rule sets side by side over hand-made reports: which intervals match, which are only on one side. */
class RuleComparisonTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant TO = min(60);

    private static Instant min(int m) {
        return T0.plusSeconds(60L * m);
    }

    private static FiringInterval interval(String fingerprint, int start, Integer end, Map<String, String> labels) {
        return new FiringInterval(fingerprint, min(start), end == null ? null : min(end), labels, 2500);
    }

    @Test
    void shouldShowWhatFiresInOneRuleSetAndNotTheOther() {
        Map<String, String> shop = Map.of("app", "shop", "severity", "high");
        Map<String, String> shopLow = Map.of("app", "shop", "severity", "low");
        Map<String, String> blog = Map.of("app", "blog", "severity", "high");
        RuleReport before = new RuleReport("checkout_slow", List.of(
                interval("shop", 1, 6, shop),        // overlaps the new 5..8 (same alert, other severity): matched
                interval("shop", 13, 15, shop),      // the new threshold no longer fires here
                interval("blog", 20, 22, blog)),     // the new one fires for blog at 22..30: touching only, no match
                6, 9 * 60, 1);
        RuleReport after = new RuleReport("checkout_slow", List.of(
                interval("shop", 5, 8, shopLow),
                interval("blog", 22, 30, blog),
                interval("shop", 50, null, shopLow)), // still firing at the end: lasts to `to`
                5, 21 * 60, 0);
        RuleReport removed = new RuleReport("old_rule", List.of(interval("x", 0, 1, Map.of())), 2, 60, 0);
        RuleReport added = new RuleReport("new_rule", List.of(), 0, 0, 0);

        List<RuleComparison> c = RuleComparison.of(List.of(before, removed), List.of(after, added), TO);

        assertThat(c).extracting(RuleComparison::rule).containsExactly("checkout_slow", "old_rule", "new_rule");
        RuleComparison slow = c.get(0);
        assertThat(slow.rules()).isEqualTo(new RuleComparison.Side(true, 3, 9 * 60, 6, 1,
                List.of(before.firing().get(1), before.firing().get(2))));
        assertThat(slow.compare()).isEqualTo(new RuleComparison.Side(true, 3, 21 * 60, 5, 0,
                List.of(after.firing().get(1), after.firing().get(2))));
        assertThat(c.get(1).rules().onlyHere()).hasSize(1);
        assertThat(c.get(1).compare()).isEqualTo(new RuleComparison.Side(false, 0, 0, 0, 0, List.of()));
        assertThat(c.get(2).rules().present()).isFalse();
        assertThat(c.get(2).compare()).isEqualTo(new RuleComparison.Side(true, 0, 0, 0, 0, List.of()));
    }

    @Test
    void shouldMatchAnOpenIntervalUpToTheEndOfTheRange() {
        FiringInterval open = interval("shop", 50, null, Map.of());
        assertThat(RuleComparison.matches(open, interval("shop", 59, 70, Map.of()), TO)).isTrue();
        assertThat(RuleComparison.matches(open, interval("shop", 10, 50, Map.of()), TO)).isFalse();
        assertThat(RuleComparison.matches(open, interval("blog", 55, 56, Map.of()), TO)).isFalse();
    }
}
