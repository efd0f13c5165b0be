package dev.telemetry.processor.slo;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The arithmetic of error budgets, pure. Comparisons are exact (decimal), so that an error rate of exactly
 * 1.44 % against a 99.9 % objective is a burn rate of exactly 14.4, and reaches a factor of 14.4.
 */
public final class BurnRates {

    private BurnRates() {
    }

    /** Good and total over some span: a window, the period. */
    public record Counts(double good, double total) {

        public static final Counts NONE = new Counts(0, 0);

        public Counts plus(Counts other) {
            return new Counts(good + other.good, total + other.total);
        }

        public Counts minus(Counts other) {
            return new Counts(good - other.good, total - other.total);
        }

        public double bad() {
            return total - good;
        }
    }

    /** Bad ÷ total ÷ budget: 1 spends the budget exactly over the period; 0 without events. */
    public static double burnRate(Counts counts, BigDecimal budget) {
        if (counts.total() <= 0) {
            return 0;
        }
        return new BigDecimal(Math.max(0, counts.bad()))
                .divide(new BigDecimal(counts.total()).multiply(budget), MathContext.DECIMAL64).doubleValue();
    }

    /** Whether the burn rate over {@code counts} is at least {@code factor}: bad ≥ factor × budget × total. */
    public static boolean reaches(Counts counts, BigDecimal budget, BigDecimal factor) {
        if (counts.total() <= 0) {
            return false;
        }
        BigDecimal bad = new BigDecimal(Math.max(0, counts.bad()));
        return bad.compareTo(factor.multiply(budget).multiply(new BigDecimal(counts.total()))) >= 0;
    }

    /**
     * The fraction of the budget left after {@code period}: {@code 1 - bad ÷ (budget × total)}; negative once
     * overspent, 1 without events.
     */
    public static double budgetRemaining(Counts period, BigDecimal budget) {
        if (period.total() <= 0) {
            return 1;
        }
        return BigDecimal.ONE.subtract(new BigDecimal(Math.max(0, period.bad()))
                .divide(new BigDecimal(period.total()).multiply(budget), MathContext.DECIMAL64)).doubleValue();
    }
}
