package dev.telemetry.rulelab.backtest;

import dev.telemetry.rulelab.backtest.Backtest.FiringInterval;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One rule name in two backtests of the same history ({@code --rules FILE --compare FILE2}): what fired in one and
 * not the other. An interval of one side <em>matches</em> when it overlaps ({@code a.start < b.end && b.start <
 * a.end}, an interval still firing lasting to the range's end) an interval of the other side for the same rule and
 * series (the same alert fingerprint: rule name, app and series labels; a changed severity or annotation does not
 * make two alerts different). Pure.
 *
 * @param rules   the {@code --rules} side
 * @param compare the {@code --compare} side
 */
public record RuleComparison(String rule, Side rules, Side compare) {

    /**
     * One side's totals for the rule and its intervals that match none of the other side's.
     *
     * @param present whether the side's rule file has the rule (false: every number is 0)
     */
    public record Side(boolean present, int intervals, long firingSeconds, int notifications, int flaps,
                       List<FiringInterval> onlyHere) {
    }

    /** Every rule name of either side, those of {@code rules} first in their order, then the rest of {@code compare}'s. */
    public static List<RuleComparison> of(List<RuleReport> rules, List<RuleReport> compare, Instant to) {
        Map<String, RuleReport> left = byName(rules);
        Map<String, RuleReport> right = byName(compare);
        List<String> names = new ArrayList<>(left.keySet());
        right.keySet().stream().filter(n -> !left.containsKey(n)).forEach(names::add);
        List<RuleComparison> out = new ArrayList<>();
        for (String name : names) {
            RuleReport l = left.get(name);
            RuleReport r = right.get(name);
            out.add(new RuleComparison(name, side(l, r, to), side(r, l, to)));
        }
        return out;
    }

    private static Side side(RuleReport own, RuleReport other, Instant to) {
        if (own == null) {
            return new Side(false, 0, 0, 0, 0, List.of());
        }
        List<FiringInterval> others = other == null ? List.of() : other.firing();
        List<FiringInterval> only = own.firing().stream()
                .filter(i -> others.stream().noneMatch(o -> matches(i, o, to))).toList();
        return new Side(true, own.firing().size(), own.firingSeconds(), own.notifications(), own.flaps(), only);
    }

    static boolean matches(FiringInterval a, FiringInterval b, Instant to) {
        Instant aEnd = a.end() == null ? to : a.end();
        Instant bEnd = b.end() == null ? to : b.end();
        return a.fingerprint().equals(b.fingerprint()) && a.start().isBefore(bEnd) && b.start().isBefore(aEnd);
    }

    private static Map<String, RuleReport> byName(List<RuleReport> reports) {
        Map<String, RuleReport> map = new LinkedHashMap<>();
        reports.forEach(r -> map.put(r.rule(), r));
        return map;
    }
}
