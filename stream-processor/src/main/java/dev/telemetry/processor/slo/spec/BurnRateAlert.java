package dev.telemetry.processor.slo.spec;

import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Durations;
import dev.telemetry.service.config.Require;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.List;

/**
 * One multiwindow burn-rate alert of an SLO (the SRE workbook, "Alerting on SLOs", approach 6): it fires when the
 * burn rate over both the long and the short window reaches {@code factor}, and resolves when the short window's
 * falls back below it. The long window says enough budget went; the short one that it is still going.
 *
 * @param factor the burn rate both windows must reach; the workbook's are {@link #workbook budget based}
 */
public record BurnRateAlert(Duration longWindow, Duration shortWindow, BigDecimal factor, BurnSeverity severity) {

    /**
     * The workbook's three alerts: a page when 2 % of the budget went in an hour, a page when 5 % went in 6 hours,
     * a ticket when 10 % went in 3 days; each factor is {@code fraction × period ÷ long window}, so a 30-day
     * period gets the workbook's 14.4, 6 and 1.
     */
    public static List<BurnRateAlert> workbook(Duration period) {
        return List.of(
                scaled("0.02", period, Duration.ofHours(1), Duration.ofMinutes(5), BurnSeverity.CRITICAL),
                scaled("0.05", period, Duration.ofHours(6), Duration.ofMinutes(30), BurnSeverity.CRITICAL),
                scaled("0.10", period, Duration.ofDays(3), Duration.ofHours(6), BurnSeverity.WARNING));
    }

    private static BurnRateAlert scaled(String budgetFraction, Duration period, Duration longWindow,
                                        Duration shortWindow, BurnSeverity severity) {
        BigDecimal factor = new BigDecimal(budgetFraction).multiply(BigDecimal.valueOf(period.toMillis()))
                .divide(BigDecimal.valueOf(longWindow.toMillis()), MathContext.DECIMAL64).stripTrailingZeros();
        return new BurnRateAlert(longWindow, shortWindow, factor, severity);
    }

    /** The label value naming the long window, e.g. {@code 1h}. */
    public String longWindowName() {
        return Durations.format(longWindow);
    }

    /** The label value naming the short window, e.g. {@code 5m}. */
    public String shortWindowName() {
        return Durations.format(shortWindow);
    }

    /** Checks the alert configured at {@code key} for an SLO over {@code period} with windows of {@code windowSize}. */
    void validate(String key, Duration period, Duration windowSize) {
        Require.positive(key + ".long-window", longWindow);
        Require.positive(key + ".short-window", shortWindow);
        Slo.requireWholeWindows(key + ".long-window", longWindow, windowSize);
        Slo.requireWholeWindows(key + ".short-window", shortWindow, windowSize);
        if (shortWindow.compareTo(longWindow) >= 0) {
            throw new ConfigException(key + ".short-window", "must be shorter than long-window ("
                    + Durations.format(longWindow) + ")");
        }
        if (longWindow.compareTo(period) > 0) {
            throw new ConfigException(key + ".long-window", "must not be longer than the period ("
                    + Durations.format(period) + ")");
        }
        Require.present(key + ".factor", factor);
        if (factor.signum() <= 0) {
            throw new ConfigException(key + ".factor", "must be a burn rate greater than 0, got " + factor);
        }
        Require.present(key + ".severity", severity);
    }
}
