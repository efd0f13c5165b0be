package dev.telemetry.rulelab.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.processor.slo.spec.Sli;
import dev.telemetry.processor.slo.spec.SliType;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.rulelab.backtest.Backtest.FiringInterval;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import dev.telemetry.rulelab.replay.LabSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An SLO's burn-rate alerts in a backtest (no broker: history handed to {@link Backtest} as HistoryReader would):
 * a 99.9 % availability SLO and a total outage of checkout for one minute pages as SloTopologyTest expects live.
 */
class SloBacktestTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void shouldReportTheBurnRateAlertsOfAnSloWhenTheServiceFailsCompletelyForAMinute() {
        // Given: a 99.9 % availability SLO over 30 days on checkout (the workbook's three alerts), no rules
        Slo slo = new Slo("checkout-availability", null, new BigDecimal("99.9"), null,
                new Sli(SliType.AVAILABILITY, "/api/checkout", null, null, null, null, null, null), null, null);
        LabSettings settings = new LabSettings(List.of(), MINUTE, Duration.ofSeconds(10), Duration.ofSeconds(1), null,
                List.of(slo));
        Instant to = T0.plus(MINUTE.multipliedBy(62));
        List<RuleReport> reports;

        // When: 100 requests a minute for an hour, every one of minute 30 failing
        try (Backtest backtest = new Backtest(settings, T0, to, Duration.ofMinutes(15))) {
            for (int m = 0; m < 61; m++) {
                for (int i = 0; i < 100; i++) {
                    Instant at = T0.plus(MINUTE.multipliedBy(m)).plusMillis(i * 600L);
                    backtest.accept(request(m == 30 ? 503 : 200, at), at);
                }
            }
            reports = backtest.finish();
        }

        // Then: all three pages/tickets fire when minute 30 closes (at its end, 10:31); the 1h/5m page resolves when
        // the 5 minutes no longer hold the outage (window 35..36), the 6h/30m one when the 30 minutes no longer do
        // (60..61); the 3d/6h ticket still fires at the end of the range
        assertThat(reports).extracting(RuleReport::rule).containsExactly(
                "slo_burn_rate:checkout-availability:1h/5m",
                "slo_burn_rate:checkout-availability:6h/30m",
                "slo_burn_rate:checkout-availability:3d/6h");
        Instant fired = T0.plus(MINUTE.multipliedBy(31));
        assertThat(reports.get(0).firing()).singleElement().satisfies(i -> {
            assertThat(i.start()).isEqualTo(fired);
            assertThat(i.end()).isEqualTo(T0.plus(MINUTE.multipliedBy(36)));
            assertThat(i.labels()).containsAllEntriesOf(Map.of("alertname", "slo_burn_rate", "slo",
                    "checkout-availability", "app", "shop", "severity", "critical", "long_window", "1h",
                    "short_window", "5m"));
            // 100 bad of 3 100 in the hour at firing: 32.26 times the budget (the history starts with the range)
            assertThat(i.peak()).isEqualTo(100.0 / 3100 / 0.001, within(1e-9));
        });
        assertThat(reports.get(0).notifications()).isEqualTo(2);
        assertThat(reports.get(0).firingSeconds()).isEqualTo(5 * 60);
        assertThat(reports.get(1).firing()).extracting(FiringInterval::start, FiringInterval::end)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(fired, T0.plus(MINUTE.multipliedBy(61))));
        assertThat(reports.get(2).firing()).singleElement().satisfies(i -> {
            assertThat(i.start()).isEqualTo(fired);
            assertThat(i.end()).isNull();
            assertThat(i.labels()).containsEntry("severity", "warning");
        });
        assertThat(reports.get(2).notifications()).isEqualTo(1);
        assertThat(reports.get(2).firingSeconds()).isEqualTo(31 * 60);
    }

    private static Envelope request(int status, Instant at) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop", at, at, "203.0.113.9",
                "agent", new RequestEvent("198.51.100.1", "GET", "/api/checkout", status, 120, "agent", null, null,
                at.toEpochMilli()));
    }
}
