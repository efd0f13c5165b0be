package dev.telemetry.processor.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.processor.slo.BurnRates.Counts;
import dev.telemetry.processor.slo.spec.BurnRateAlert;
import dev.telemetry.processor.slo.spec.BurnSeverity;
import dev.telemetry.processor.slo.spec.Sli;
import dev.telemetry.processor.slo.spec.SliType;
import dev.telemetry.processor.slo.spec.Slo;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The burn-rate alert's lifecycle, table-style, without Kafka: 99.9 % over 30 days, the 1h/5m page at 14.4. */
class BurnRateAlertsTest {

    private static final Slo SLO = new Slo("checkout", null, new BigDecimal("99.9"), Duration.ofDays(30),
            new Sli(SliType.AVAILABILITY, null, null, null, null, null, null, null), null, null);
    private static final BurnRateAlert PAGE = SLO.alerts().get(0);
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant END = START.plusSeconds(60);
    private static final Instant EARLIER = START.minusSeconds(3600);

    @ParameterizedTest(name = "{0}: long {1}/{2}, short {3}/{4} → {5}")
    @CsvSource({
            // state,  long bad, long total, short bad, short total, change, firing after
            "inactive, 144,  10000, 72,  5000, firing,   true",   // both exactly 14.4: reaches
            "inactive, 143,  10000, 500, 5000, none,     false",  // long 14.3
            "inactive, 1000, 10000, 71,  5000, none,     false",  // short 14.2
            "inactive, 0,    0,     0,   0,    none,     false",  // no traffic burns nothing
            "firing,   1000, 10000, 72,  5000, none,     true",   // still burning
            "firing,   1000, 10000, 71,  5000, resolved, false",  // short window below: resolves though long is high
            "firing,   10,   10000, 100, 5000, none,     true",   // long below, short above: keeps firing
            "firing,   0,    0,     0,   0,    resolved, false"}) // traffic stopped
    void shouldFireOnBothWindowsAndResolveOnTheShortOneWhenEvaluated(String state, double longBad, double longTotal,
                                                                     double shortBad, double shortTotal, String change,
                                                                     boolean firingAfter) {
        Instant since = state.equals("firing") ? EARLIER : null;

        BurnRateAlerts.Step step = BurnRateAlerts.evaluate(SLO, PAGE, since, new BurnRateAlerts.Evaluation("shop",
                new Counts(longTotal - longBad, longTotal), new Counts(shortTotal - shortBad, shortTotal), 0.5, START,
                END));

        assertThat(step.firingSince() != null).isEqualTo(firingAfter);
        switch (change) {
            case "none" -> assertThat(step.event()).isNull();
            case "firing" -> {
                assertThat(step.event().status()).isEqualTo(AlertStatus.FIRING);
                assertThat(step.event().startsAt()).isEqualTo(START);
                assertThat(step.event().endsAt()).isNull();
                assertThat(step.firingSince()).isEqualTo(START);
            }
            default -> {
                assertThat(step.event().status()).isEqualTo(AlertStatus.RESOLVED);
                assertThat(step.event().startsAt()).isEqualTo(EARLIER);
                assertThat(step.event().endsAt()).isEqualTo(END);
            }
        }
        if (step.event() != null) {
            assertThat(step.event().fingerprint()).isEqualTo(BurnRateAlerts.fingerprint("checkout", "shop", PAGE));
            assertThat(step.event().evaluatedAt()).isEqualTo(END);
            assertThat(step.event().annotations()).containsEntry("budget_remaining", "0.5000");
        }
    }

    /** A 7-day SLO's default page (1h/5m) fires at the issue's 16.8, not before: 168 and 84 bad per 10 000 and 5 000. */
    @ParameterizedTest(name = "long {0}, short {1} bad → firing {2}")
    @CsvSource({"168, 84, true", "167, 84, false", "168, 83, false", "1000, 1000, true"})
    void shouldPageASevenDaySloAtTheIssuesFactorWhenBothWindowsReachIt(double longBad, double shortBad,
                                                                       boolean firing) {
        Slo weekly = new Slo("checkout", null, new BigDecimal("99.9"), Duration.ofDays(7),
                new Sli(SliType.AVAILABILITY, null, null, null, null, null, null, null), null, null);
        BurnRateAlert page = weekly.alerts().get(0);

        BurnRateAlerts.Step step = BurnRateAlerts.evaluate(weekly, page, null, new BurnRateAlerts.Evaluation("shop",
                new Counts(10000 - longBad, 10000), new Counts(5000 - shortBad, 5000), 0.5, START, END));

        assertThat(page.factor()).isEqualByComparingTo("16.8");
        assertThat(step.firingSince() != null).isEqualTo(firing);
        if (firing) {
            assertThat(step.event().threshold()).isEqualTo(16.8);
            assertThat(step.event().labels()).containsEntry("long_window", "1h").containsEntry("short_window", "5m");
        }
    }

    @ParameterizedTest
    @CsvSource({"1h, 5m, 1h, 5m, true", "1h, 5m, 6h, 30m, false"})
    void shouldKeepOneFingerprintPerSloAppAndWindowPairWhenAsked(String long1, String short1, String long2,
                                                                String short2, boolean same) {
        BurnRateAlert a = new BurnRateAlert(dev.telemetry.service.config.Durations.parse(long1),
                dev.telemetry.service.config.Durations.parse(short1), BigDecimal.ONE, BurnSeverity.CRITICAL);
        BurnRateAlert b = new BurnRateAlert(dev.telemetry.service.config.Durations.parse(long2),
                dev.telemetry.service.config.Durations.parse(short2), BigDecimal.TEN, BurnSeverity.WARNING);

        assertThat(BurnRateAlerts.fingerprint("checkout", "shop", a).equals(BurnRateAlerts.fingerprint("checkout", "shop", b)))
                .isEqualTo(same);
        assertThat(BurnRateAlerts.fingerprint("checkout", "shop", a)).isNotEqualTo(BurnRateAlerts.fingerprint("checkout",
                "cart", a)).hasSize(16);
    }
}
