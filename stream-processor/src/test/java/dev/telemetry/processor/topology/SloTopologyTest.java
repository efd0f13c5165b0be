package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.processor.slo.BurnRateAlerts;
import dev.telemetry.processor.slo.SloProcessor;
import dev.telemetry.processor.slo.spec.Sli;
import dev.telemetry.processor.slo.spec.SliType;
import dev.telemetry.processor.slo.spec.Slo;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SLOs on the production topology ({@code TopologyTestDriver}, 1-minute windows, 10 s grace, explicit event times and
 * wall clock): the reports on {@code telemetry.slo} against an offline computation from the same events, and the
 * workbook's burn-rate alerts on {@code telemetry.alerts} in the cases the issue names.
 */
class SloTopologyTest {

    private static final String CHECKOUT = "/api/checkout";
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @TempDir
    Path stateDir;

    private TopologyHarness harness;

    @AfterEach
    void close() {
        if (harness != null) {
            harness.close();
        }
    }

    static Slo slo(String name, String objective, Duration period, Sli sli) {
        return new Slo(name, null, new BigDecimal(objective), period, sli, null, null);
    }

    static Sli availability(String endpoint) {
        return new Sli(SliType.AVAILABILITY, endpoint, null, null, null, null, null, null);
    }

    static Sli latency(String endpoint, Duration threshold) {
        return new Sli(SliType.LATENCY, endpoint, threshold, null, null, null, null, null);
    }

    /** One raw event as the offline computation sees it. */
    record Counted(long time, double good, double total) {
    }

    @Test
    void shouldReportBurnRatesEqualToAnOfflineComputationWhenGivenTheSameRawEvents() {
        // Given: an availability and a latency SLO on checkout (7-day period), a ratio SLO, random traffic for 100
        // minutes with quiet minutes, other endpoints, and server errors and slow requests in bursts
        Slo availability = slo("checkout-availability", "99.9", Duration.ofDays(7), availability(CHECKOUT));
        Slo latency = slo("checkout-latency", "99", Duration.ofDays(7), latency(CHECKOUT, Duration.ofSeconds(1)));
        Slo ratio = slo("payments", "99.5", Duration.ofDays(7),
                new Sli(SliType.RATIO, null, null, null, null, null, "payments_ok", "payments_total"));
        harness = TopologyHarness.withSlos(stateDir, List.of(availability, latency, ratio));
        Random random = new Random(16);
        Map<String, List<Counted>> offline = Map.of(availability.name(), new ArrayList<>(),
                latency.name(), new ArrayList<>(), ratio.name(), new ArrayList<>());
        int minutes = 100;

        // When
        for (int m = 0; m < minutes; m++) {
            boolean quiet = m % 17 == 16;
            boolean burst = m >= 40 && m < 46;
            int requests = quiet ? 0 : 1 + random.nextInt(25);
            for (int i = 0; i < requests; i++) {
                Instant at = T0.plus(MINUTE.multipliedBy(m)).plusMillis(random.nextInt(60_000));
                int status = random.nextDouble() < (burst ? 0.5 : 0.02) ? 503 : 200;
                double duration = burst && random.nextBoolean() ? 1000 + random.nextInt(3) : 50 + random.nextInt(1000);
                harness.request("198.51.100." + (i % 20), CHECKOUT, status, duration, null, at);
                harness.request("198.51.100." + (i % 20), "/api/other", 500, 5000, null, at);
                offline.get(availability.name()).add(new Counted(at.toEpochMilli(), status < 500 ? 1 : 0, 1));
                offline.get(latency.name()).add(new Counted(at.toEpochMilli(), duration <= 1000 ? 1 : 0, 1));
            }
            if (!quiet) {
                Instant at = T0.plus(MINUTE.multipliedBy(m)).plusSeconds(30);
                double total = 100 + random.nextInt(50);
                double ok = total - (burst ? 20 : random.nextInt(2));
                harness.metric(TopologyHarness.APP, "payments_total", Map.of(), total, at);
                harness.metric(TopologyHarness.APP, "payments_ok", Map.of("region", "eu"), ok, at);
                offline.get(ratio.name()).add(new Counted(at.toEpochMilli(), ok, total));
            }
            harness.wallClockTo(T0.plus(MINUTE.multipliedBy(m + 1)).plus(TopologyHarness.GRACE));
        }

        // Then: one report per SLO and window, each equal to the offline computation
        List<SloReport> reports = harness.slo.readValuesToList();
        for (Slo slo : List.of(availability, latency, ratio)) {
            List<SloReport> expected = new ArrayList<>();
            for (int m = 0; m < minutes; m++) {
                expected.add(offlineReport(slo, offline.get(slo.name()), T0.plus(MINUTE.multipliedBy(m))));
            }
            assertThat(reports).filteredOn(r -> r.slo().equals(slo.name())).containsExactlyElementsOf(expected);
        }
        assertThat(reports).filteredOn(r -> r.slo().equals(availability.name()) && r.windowStart().equals(T0.plus(
                        MINUTE.multipliedBy(16))))
                .singleElement().satisfies(r -> assertThat(r.total()).isZero());
    }

    /** What the report of the window starting at {@code windowStart} must say, computed from the raw events alone. */
    private static SloReport offlineReport(Slo slo, List<Counted> events, Instant windowStart) {
        long end = windowStart.plus(MINUTE).toEpochMilli();
        BigDecimal budget = BigDecimal.valueOf(100).subtract(slo.objective()).divide(BigDecimal.valueOf(100));
        double[] window = sum(events, end - MINUTE.toMillis(), end);
        List<SloReport.BurnRate> rates = new ArrayList<>();
        for (String span : List.of("5m", "30m", "1h", "6h", "1d", "3d")) {
            double[] counts = sum(events, end - dev.telemetry.service.config.Durations.parse(span).toMillis(), end);
            double burn = counts[1] == 0 ? 0 : new BigDecimal(counts[1] - counts[0])
                    .divide(new BigDecimal(counts[1]).multiply(budget), MathContext.DECIMAL64).doubleValue();
            rates.add(new SloReport.BurnRate(span, burn, counts[0], counts[1]));
        }
        double[] period = sum(events, end - slo.period().toMillis(), end);
        double remaining = period[1] == 0 ? 1 : BigDecimal.ONE.subtract(new BigDecimal(period[1] - period[0])
                .divide(new BigDecimal(period[1]).multiply(budget), MathContext.DECIMAL64)).doubleValue();
        return new SloReport(SloReport.SCHEMA_VERSION, TopologyHarness.APP, slo.name(), slo.sli().type().wireName(),
                slo.objective().doubleValue(), "7d", windowStart, windowStart.plus(MINUTE),
                window[1] == 0 ? null : window[0] / window[1], window[0], window[1], rates, remaining, period[0], period[1]);
    }

    private static double[] sum(List<Counted> events, long from, long to) {
        double good = 0;
        double total = 0;
        for (Counted e : events) {
            if (e.time() >= from && e.time() < to) {
                good += e.good();
                total += e.total();
            }
        }
        return new double[] {good, total};
    }

    @Test
    void shouldPageAtTheFirstWindowCloseWhenTheServiceFailsCompletely() {
        // Given: a 99.9 % availability SLO over 30 days and half an hour of good traffic, 100 requests a minute
        harness = TopologyHarness.withSlos(stateDir, List.of(slo("checkout-availability", "99.9", null,
                availability(CHECKOUT))));
        for (int m = 0; m < 30; m++) {
            minuteOfRequests(m, 100, 0);
        }
        assertThat(harness.alerts.readValuesToList()).isEmpty();

        // When: every request of minute 30 fails, and the wall clock reaches its end + grace + one close check
        minuteOfRequests(30, 100, 100);

        // Then: the window's close pages (1h/5m and 6h/30m) and opens a ticket (3d/6h), all at once
        List<AlertEvent> alerts = harness.alerts.readValuesToList();
        Instant windowEnd = T0.plus(MINUTE.multipliedBy(31));
        assertThat(alerts).extracting(AlertEvent::status, a -> a.labels().get("long_window"),
                        a -> a.labels().get("short_window"), AlertEvent::severity, AlertEvent::evaluatedAt)
                .containsExactly(
                        tuple(AlertStatus.FIRING, "1h", "5m", "critical", windowEnd),
                        tuple(AlertStatus.FIRING, "6h", "30m", "critical", windowEnd),
                        tuple(AlertStatus.FIRING, "3d", "6h", "warning", windowEnd));
        AlertEvent page = alerts.get(0);
        assertThat(page.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname", "slo_burn_rate",
                "slo", "checkout-availability", "app", "shop", "severity", "critical", "long_window", "1h",
                "short_window", "5m"));
        // 100 bad of 3100 in the hour: 32.26 times the budget; 100 of 500 in 5 minutes: 200 times
        assertThat(page.annotations()).containsEntry("long_window_burn_rate", "32.26")
                .containsEntry("short_window_burn_rate", "200").containsKey("budget_remaining");
        assertThat(page.value()).isEqualTo(100.0 / 3100 / 0.001, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(page.threshold()).isEqualTo(14.4);
        assertThat(page.fingerprint()).isEqualTo(BurnRateAlerts.fingerprint("checkout-availability", "shop",
                new Slo("x", null, BigDecimal.ONE, null, availability(null), null, null).alerts().get(0)));
    }

    @Test
    void shouldPageWithinTheHourAndOnTheHourWindowExactlyWhenTheErrorRateIsExactly144Permille() {
        // Given: an hour of good traffic, 125 requests a minute
        harness = TopologyHarness.withSlos(stateDir, List.of(slo("checkout-availability", "99.9", null,
                availability(CHECKOUT))));
        for (int m = 0; m < 60; m++) {
            minuteOfRequests(m, 125, 0);
        }

        // When: for an hour, 9 of every 625 requests fail, all in the last minute of each 5 (so every 5 minutes hold
        // exactly 9 of 625: an error rate of exactly 1.44 %, a burn rate of exactly 14.4 against 99.9 %)
        List<Integer> pagedAt = new ArrayList<>();
        Map<String, Integer> firstFiring = new java.util.HashMap<>();
        for (int k = 1; k <= 60; k++) {
            minuteOfRequests(59 + k, 125, k % 5 == 0 ? 9 : 0);
            for (AlertEvent alert : harness.alerts.readValuesToList()) {
                firstFiring.putIfAbsent(alert.labels().get("long_window") + "/" + alert.labels().get("short_window"), k);
                if (alert.severity().equals("critical")) {
                    pagedAt.add(k);
                }
            }
        }

        // Then: the 6h/30m pair pages first, after 45 minutes (81 bad of 13 125 reach 6 × 0.1 %, 72 of 13 000 do
        // not); the 1h/5m pair exactly when the hour is all errors (108 of 7 500: 14.4), not a minute before (99 of
        // 7 500); the 3d/6h ticket after 5 minutes (9 of 8 125 reach 1 × 0.1 %)
        assertThat(firstFiring).containsExactlyInAnyOrderEntriesOf(Map.of("3d/6h", 5, "6h/30m", 45, "1h/5m", 60));
        assertThat(pagedAt).containsExactly(45, 60);
        List<SloReport> reports = harness.slo.readValuesToList();
        assertThat(reports.get(reports.size() - 1).burnRates()).extracting(SloReport.BurnRate::window,
                        SloReport.BurnRate::burnRate)
                .startsWith(tuple("5m", 14.4), tuple("30m", 14.4), tuple("1h", 14.4));
    }

    @Test
    void shouldNeverPageWhenABlipSpendsLessThanAThousandthOfTheBudget() {
        // Given: 50 requests a minute for an hour; at that traffic a 30-day budget at 99.9 % is 2 160 bad requests
        harness = TopologyHarness.withSlos(stateDir, List.of(slo("checkout-availability", "99.9", null,
                availability(CHECKOUT))));
        for (int m = 0; m < 60; m++) {
            minuteOfRequests(m, 50, 0);
        }

        // When: 2 requests fail in one minute (0.09 % of that budget), and traffic goes on for another hour
        minuteOfRequests(60, 50, 2);
        for (int m = 61; m < 120; m++) {
            minuteOfRequests(m, 50, 0);
        }

        // Then: the blip shows (5 minutes burn at 8×, the hour at 0.67×), but nothing pages or opens a ticket; of
        // the budget of the 6 000 requests seen so far, 2 of 6 went
        assertThat(harness.alerts.readValuesToList()).isEmpty();
        List<SloReport> reports = harness.slo.readValuesToList();
        assertThat(reports.get(60).burnRates().get(0)).isEqualTo(new SloReport.BurnRate("5m", 8, 248, 250));
        assertThat(reports.get(reports.size() - 1).budgetRemaining())
                .isEqualTo(1 - 2 / 6.0, org.assertj.core.api.Assertions.within(1e-15));
    }

    @Test
    void shouldResolveWhenTheShortWindowFallsBackBelowItsFactor() {
        // Given: a page for a total outage
        harness = TopologyHarness.withSlos(stateDir, List.of(slo("checkout-availability", "99.9", null,
                availability(CHECKOUT))));
        for (int m = 0; m < 30; m++) {
            minuteOfRequests(m, 100, 0);
        }
        minuteOfRequests(30, 100, 100);
        assertThat(harness.alerts.readValuesToList()).hasSize(3);

        // When: the service recovers
        List<AlertEvent> changes = new ArrayList<>();
        for (int m = 31; m < 40; m++) {
            minuteOfRequests(m, 100, 0);
            changes.addAll(harness.alerts.readValuesToList());
        }

        // Then: the 1h/5m page resolves when its 5 minutes hold 100 bad of 500 no more: at the 5m window's end
        // after the outage left it (the long window still burns at 16×, which alone keeps nothing firing);
        // the 30m and 6h short windows still burn above 6 and 1
        assertThat(changes).extracting(AlertEvent::status, a -> a.labels().get("long_window"), AlertEvent::endsAt)
                .containsExactly(tuple(AlertStatus.RESOLVED, "1h", T0.plus(MINUTE.multipliedBy(36))));
    }

    @Test
    void shouldKeepTheRingBoundedByThePeriodAndForgetASeriesAfterAQuietPeriod() {
        // Given: an SLO over 3 days (4 320 one-minute windows)
        harness = TopologyHarness.withSlos(stateDir, List.of(slo("checkout-availability", "99.9", Duration.ofDays(3),
                availability(CHECKOUT))));
        KeyValueStore<Bytes, ?> ring = harness.driver.getKeyValueStore(SloProcessor.WINDOWS_STORE);

        // When: a request every 6 hours for 4 days, the wall clock closing every window
        for (int h = 0; h <= 96; h += 6) {
            Instant at = T0.plus(Duration.ofHours(h));
            harness.request("198.51.100.1", CHECKOUT, 200, 10, null, at);
            harness.wallClockTo(at.plus(MINUTE).plus(TopologyHarness.GRACE));
        }

        // Then: the ring holds the period and the window before it, no more
        assertThat(count(ring)).isEqualTo(4_321);
        List<SloReport> reports = harness.slo.readValuesToList();
        assertThat(reports).hasSize(96 * 60 + 1);
        assertThat(reports.get(reports.size() - 1).periodTotal()).isEqualTo(12);

        // When: three days and more pass without a request
        harness.wallClockTo(T0.plus(Duration.ofHours(96 + 72)).plus(MINUTE.multipliedBy(2)));

        // Then: the series is forgotten, its ring with it, and reports stop
        assertThat(count(ring)).isZero();
        assertThat(count(harness.driver.getKeyValueStore(SloProcessor.SERIES_STORE))).isZero();
        int reported = harness.slo.readValuesToList().size();
        harness.wallClockTo(T0.plus(Duration.ofHours(96 + 80)));
        assertThat(harness.slo.isEmpty()).isTrue();
        assertThat(reported).isEqualTo(72 * 60);
    }

    @Test
    void shouldDropAndCountACountWhoseWindowClosedWhenItArrivesLate() {
        // Given
        harness = TopologyHarness.withSlos(stateDir, List.of(slo("checkout-availability", "99.9", null,
                availability(CHECKOUT))));
        harness.request("198.51.100.1", CHECKOUT, 200, 10, null, T0.plusSeconds(5));
        harness.wallClockTo(T0.plus(MINUTE).plus(TopologyHarness.GRACE));

        // When: a failed request of the closed minute, then one of the next minute within grace of the first
        harness.request("198.51.100.1", CHECKOUT, 500, 10, null, T0.plusSeconds(50));
        harness.request("198.51.100.1", CHECKOUT, 500, 10, null, T0.plusSeconds(65));
        harness.wallClockTo(T0.plus(MINUTE.multipliedBy(2)).plus(TopologyHarness.GRACE));

        // Then
        assertThat(harness.slo.readValuesToList()).extracting(SloReport::good, SloReport::total)
                .containsExactly(tuple(1.0, 1.0), tuple(0.0, 1.0));
        assertThat(harness.counters.sloLate).containsExactly(Map.entry("checkout-availability", 1));
    }

    /** {@code requests} checkout requests in minute {@code m}, the first {@code failed} of them failing; then the
     * wall clock passes the minute's end + grace + one close check. */
    private void minuteOfRequests(int m, int requests, int failed) {
        Instant start = T0.plus(MINUTE.multipliedBy(m));
        for (int i = 0; i < requests; i++) {
            harness.request("198.51.100." + (i % 50), CHECKOUT, i < failed ? 500 : 200, 20, null,
                    start.plusMillis(i * 60_000L / requests));
        }
        harness.wallClockTo(start.plus(MINUTE).plus(TopologyHarness.GRACE).plusSeconds(1));
    }

    private static long count(KeyValueStore<?, ?> store) {
        long n = 0;
        try (KeyValueIterator<?, ?> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
