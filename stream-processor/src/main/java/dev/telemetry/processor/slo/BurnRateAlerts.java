package dev.telemetry.processor.slo;

import dev.telemetry.events.SeriesKeys;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.processor.rules.AlertFingerprint;
import dev.telemetry.processor.slo.BurnRates.Counts;
import dev.telemetry.processor.slo.spec.BurnRateAlert;
import dev.telemetry.processor.slo.spec.BurnSeverity;
import dev.telemetry.processor.slo.spec.Slo;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The lifecycle of one burn-rate alert of one SLO and app, over closed windows, pure: inactive → firing when the
 * burn rates over both the long and the short window reach the factor; firing → resolved when the short window's
 * falls back below it (the long window remembers the burn for hours after it stopped; the short one does not).
 * There is no pending state: the long window already is the "for". Each change is one {@link AlertEvent}, named
 * {@value #ALERT_NAME}, with the same fingerprint for every change of one SLO, app and window pair.
 */
public final class BurnRateAlerts {

    public static final String ALERT_NAME = "slo_burn_rate";

    /**
     * What one closed window did to the alert.
     *
     * @param firingSince when the firing alert started; null: inactive
     * @param event       the state change, or null when nothing changed
     */
    public record Step(Instant firingSince, AlertEvent event) {
    }

    /** The burn rates of one alert's windows, both ending at {@code windowEnd}, and the period's budget left. */
    public record Evaluation(String app, Counts longWindow, Counts shortWindow, double budgetRemaining,
                             Instant windowStart, Instant windowEnd) {
    }

    private BurnRateAlerts() {
    }

    /** Evaluates one closed window for an alert that is firing since {@code firingSince} (null: inactive). */
    public static Step evaluate(Slo slo, BurnRateAlert alert, Instant firingSince, Evaluation window) {
        BigDecimal budget = slo.errorBudget();
        boolean shortReaches = BurnRates.reaches(window.shortWindow(), budget, alert.factor());
        if (firingSince == null) {
            if (shortReaches && BurnRates.reaches(window.longWindow(), budget, alert.factor())) {
                return new Step(window.windowStart(),
                        event(slo, alert, window, AlertStatus.FIRING, window.windowStart(), null));
            }
            return new Step(null, null);
        }
        if (!shortReaches) {
            return new Step(null, event(slo, alert, window, AlertStatus.RESOLVED, firingSince, window.windowEnd()));
        }
        return new Step(firingSince, null);
    }

    /** The alert's fingerprint: stable per SLO, app and window pair. */
    public static String fingerprint(String slo, String app, BurnRateAlert alert) {
        return AlertFingerprint.of(ALERT_NAME, app, SeriesKeys.format(slo, windows(alert)));
    }

    private static Map<String, String> windows(BurnRateAlert alert) {
        return Map.of("long_window", alert.longWindowName(), "short_window", alert.shortWindowName());
    }

    private static AlertEvent event(Slo slo, BurnRateAlert alert, Evaluation window, AlertStatus status,
                                    Instant startsAt, Instant endsAt) {
        BigDecimal budget = slo.errorBudget();
        double longRate = BurnRates.burnRate(window.longWindow(), budget);
        double shortRate = BurnRates.burnRate(window.shortWindow(), budget);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("slo", slo.name());
        labels.put("long_window", alert.longWindowName());
        labels.put("short_window", alert.shortWindowName());
        labels.put("alertname", ALERT_NAME);
        labels.put("app", window.app());
        labels.put("severity", alert.severity().wireName());
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", String.format(Locale.ROOT,
                "%s: error budget burning %s× over %s and %s× over %s (%s: %s×); %s of the %s budget left",
                slo.name(), rate(longRate), alert.longWindowName(), rate(shortRate), alert.shortWindowName(),
                alert.severity() == BurnSeverity.CRITICAL ? "pages at" : "tickets at", alert.factor().toPlainString(),
                percent(window.budgetRemaining()), dev.telemetry.service.config.Durations.format(slo.period())));
        annotations.put("long_window_burn_rate", rate(longRate));
        annotations.put("short_window_burn_rate", rate(shortRate));
        annotations.put("budget_remaining", String.format(Locale.ROOT, "%.4f", window.budgetRemaining()));
        annotations.put("objective", slo.objective().toPlainString());
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint(slo.name(), window.app(), alert), status,
                ALERT_NAME, ALERT_NAME, "burn_rate_" + alert.longWindowName(), labels, longRate,
                alert.factor().doubleValue(), "gte", alert.severity().wireName(), slo.channels(), annotations,
                startsAt, endsAt, window.windowEnd());
    }

    private static String rate(double rate) {
        return BigDecimal.valueOf(rate).round(new java.math.MathContext(4)).stripTrailingZeros().toPlainString();
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
    }
}
