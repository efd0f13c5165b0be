package dev.telemetry.processor.slo.spec;

import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Durations;
import dev.telemetry.service.config.Require;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

/**
 * One service level objective as configured under {@code slos:}: which events count (its {@link Sli}), the share
 * of them that must be good over a period, and its burn-rate alerts.
 *
 * @param name      unique; the {@code slo} label of its reports and alerts
 * @param app       only this app's events; absent: one SLO per app that sends matching events
 * @param objective percent of good events, e.g. {@code 99.9}; kept decimal so that budgets compare exactly
 * @param period    the compliance period the budget is computed over; 30 days when absent
 * @param alerts    the burn-rate alerts; absent: the {@linkplain BurnRateAlert#workbook workbook's}, scaled to the period
 * @param channels  where its alerts are routed; {@code #alerts} when absent
 */
public record Slo(String name, String app, BigDecimal objective, Duration period, Sli sli, List<BurnRateAlert> alerts,
                  List<String> channels) {

    /** The windows every report carries a burn rate for, shortest first. */
    public static final List<Duration> REPORTED_WINDOWS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1), Duration.ofDays(3));
    /** The most windows one SLO's ring may hold (40 bytes each): 30 days of 2-second windows, 3 years of minutes. */
    static final long MAX_BUCKETS = 2_000_000;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public Slo {
        period = period == null ? Duration.ofDays(30) : period;
        alerts = alerts == null ? BurnRateAlert.workbook(period) : List.copyOf(alerts);
        channels = channels == null ? List.of("#alerts") : List.copyOf(channels);
    }

    /** The share of events that may be bad, e.g. 0.001 for 99.9 %, exactly. */
    public BigDecimal errorBudget() {
        return HUNDRED.subtract(objective).divide(HUNDRED);
    }

    /** How many windows of {@code windowSize} the period spans: the length of the SLO's ring. */
    public long periodWindows(Duration windowSize) {
        return period.toMillis() / windowSize.toMillis();
    }

    /** Checks the SLO configured at {@code key} (e.g. {@code slos[1]}) for windows of {@code windowSize}. */
    public void validate(String key, Duration windowSize) {
        Require.notBlank(key + ".name", name);
        if (!name.matches("[A-Za-z0-9._-]+")) {
            // The name is part of record keys (<slo>|<app>) and of alert fingerprints.
            throw new ConfigException(key + ".name", "may only contain letters, digits, '.', '_' and '-'");
        }
        if (app != null && app.isBlank()) {
            throw new ConfigException(key + ".app", "must not be blank (leave it out to mean every app)");
        }
        Require.present(key + ".objective", objective);
        if (objective.signum() <= 0 || objective.compareTo(HUNDRED) >= 0) {
            throw new ConfigException(key + ".objective", "must be a percentage above 0 and below 100, got "
                    + objective.toPlainString());
        }
        Duration longest = REPORTED_WINDOWS.get(REPORTED_WINDOWS.size() - 1);
        if (period.compareTo(longest) < 0) {
            throw new ConfigException(key + ".period", "must be at least " + Durations.format(longest)
                    + " (the longest burn-rate window), got " + Durations.format(period));
        }
        requireWholeWindows(key + ".period", period, windowSize);
        if (periodWindows(windowSize) > MAX_BUCKETS) {
            throw new ConfigException(key + ".period", "spans " + periodWindows(windowSize) + " windows of "
                    + Durations.format(windowSize) + "; at most " + MAX_BUCKETS + " are kept per SLO and app");
        }
        Require.present(key + ".sli", sli);
        sli.validate(key + ".sli");
        for (int i = 0; i < alerts.size(); i++) {
            String alertKey = key + ".alerts[" + i + "]";
            Require.present(alertKey, alerts.get(i));
            alerts.get(i).validate(alertKey, period, windowSize);
        }
        for (int i = 0; i < channels.size(); i++) {
            Require.notBlank(key + ".channels[" + i + "]", channels.get(i));
        }
    }

    static void requireWholeWindows(String key, Duration value, Duration windowSize) {
        if (value.toMillis() % windowSize.toMillis() != 0) {
            throw new ConfigException(key, "must be a whole number of windows (windows.size "
                    + Durations.format(windowSize) + "), got " + Durations.format(value));
        }
    }
}
