package dev.telemetry.events.derived;

import java.time.Instant;
import java.util.List;

/**
 * One SLO of one app after one closed window, on {@code telemetry.slo} (key: {@code <slo>|<app>}): the window's
 * SLI, the burn rates over the windows ending with it, and the error budget left for the SLO's period. Counts are
 * sums: events for request, vital and synthetic SLIs, metric values for ratio SLIs.
 *
 * @param objective       percent of good events, e.g. 99.9
 * @param period          the SLO's compliance period, e.g. {@code 30d}
 * @param sli             good ÷ total in the window; null when the window had no events
 * @param burnRates       per window ending at {@code windowEnd} (5m, 30m, 1h, 6h, 1d, 3d): the error rate divided by
 *                        the error budget ({@code 100 - objective} percent); 1 spends the budget exactly over the period
 * @param budgetRemaining the fraction of the period's error budget not yet spent, {@code 1 - bad ÷ (budget × total)}
 *                        over the period; negative once it is overspent, 1 while the period has no events
 */
public record SloReport(int schemaVersion, String app, String slo, String sliType, double objective, String period,
                        Instant windowStart, Instant windowEnd, Double sli, double good, double total,
                        List<BurnRate> burnRates, double budgetRemaining, double periodGood, double periodTotal) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * The burn rate over one window and the counts behind it.
     *
     * @param window   e.g. {@code 1h}
     * @param burnRate bad ÷ total ÷ error budget; 0 when the window had no events
     */
    public record BurnRate(String window, double burnRate, double good, double total) {
    }

    public SloReport {
        burnRates = burnRates == null ? List.of() : List.copyOf(burnRates);
    }

    /** The Kafka key: SLO and app. */
    public String key() {
        return slo + "|" + app;
    }
}
