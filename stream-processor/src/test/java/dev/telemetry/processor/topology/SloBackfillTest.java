package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.processor.slo.SloBackfill;
import dev.telemetry.processor.slo.SloCount;
import dev.telemetry.processor.slo.spec.Slo;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLO backfill on the production topology ({@code TopologyTestDriver}, 1-minute windows, 10 s grace, explicit
 * times): whole-window totals computed by {@link SloBackfill} from the raw history, sent into the SLO repartition
 * topic as the command does, fill only the closed windows before each series' live start, once however often sent.
 */
class SloBackfillTest {

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

    private static Instant minute(int m, int second) {
        return T0.plus(MINUTE.multipliedBy(m)).plusSeconds(second);
    }

    @Test
    void shouldCountHistoryBeforeTheLiveStartOnceWhenTheBackfillRunsTwice() {
        // Given: an availability SLO added at minute 30. The raw topic holds minutes 0..40: 10 requests a minute,
        // 1 failing in minutes 0..29 and 2 failing from minute 30 on; an app "legacy" sent 5 requests a minute in
        // minutes 0..9 only (no live series). The live topology counts minutes 30..40 as they come.
        Slo slo = SloTopologyTest.slo("checkout-availability", "99.9", Duration.ofDays(7),
                SloTopologyTest.availability(CHECKOUT));
        harness = TopologyHarness.withSlos(stateDir, List.of(slo));
        List<Envelope> history = new ArrayList<>();
        for (int m = 0; m <= 40; m++) {
            List<Envelope> minute = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int failing = m < 30 ? 1 : 2;
                minute.add(TopologyHarness.requestEnvelope(TopologyHarness.APP, CHECKOUT, i < failing ? 503 : 200,
                        minute(m, i * 5)));
            }
            if (m < 10) {
                for (int i = 0; i < 5; i++) {
                    minute.add(TopologyHarness.requestEnvelope("legacy", CHECKOUT, 200, minute(m, i)));
                }
            }
            history.addAll(minute);
            if (m >= 30) {
                minute.stream().filter(e -> e.app().equals(TopologyHarness.APP)).forEach(harness::request);
                // A request of the minute that reached the raw topic after its window closed: the live path
                // dropped it, the backfill reads it, and must leave the window to the live path all the same.
                history.add(TopologyHarness.requestEnvelope(TopologyHarness.APP, CHECKOUT, 503, minute(m, 59)));
            }
            if (m < 40) {
                harness.wallClockTo(minute(m + 1, 10));
            }
        }
        SloBackfill backfill = new SloBackfill(slo, MINUTE);
        history.forEach(backfill::add);
        Map<String, List<SloCount>> batches = backfill.batches();
        assertThat(batches).containsOnlyKeys("checkout-availability|shop", "checkout-availability|legacy");

        // When: the backfill runs (windows 0..39 closed, 40 open), window 40 closes; it runs again, window 41 closes
        sendAll(batches);
        harness.wallClockTo(minute(41, 10));
        List<SloReport> first = harness.slo.readValuesToList();
        sendAll(batches);
        for (int i = 0; i < 10; i++) {
            harness.request(TopologyHarness.requestEnvelope(TopologyHarness.APP, CHECKOUT, 200, minute(41, i)));
        }
        harness.wallClockTo(minute(42, 10));
        List<SloReport> second = harness.slo.readValuesToList();

        // Then: the period counts minutes 0..29 from the backfill and 30..40 from the live path, each once
        // (410 requests, 30 + 22 failing; not the late ones the backfill read in live windows); window 40's own
        // counts are the live ones alone
        SloReport shop40 = report(first, TopologyHarness.APP, 40);
        assertThat(shop40.total()).isEqualTo(10);
        assertThat(shop40.good()).isEqualTo(8);
        assertThat(shop40.periodTotal()).isEqualTo(410);
        assertThat(shop40.periodGood()).isEqualTo(410 - 30 - 22);
        assertThat(shop40.burnRates()).filteredOn(r -> r.window().equals("1h")).singleElement()
                .satisfies(r -> assertThat(r.total()).isEqualTo(410));
        assertThat(shop40.burnRates()).filteredOn(r -> r.window().equals("30m")).singleElement()
                .satisfies(r -> assertThat(r.total()).isEqualTo(300));
        // The legacy app, never seen live, gets its history: 50 requests, all good
        SloReport legacy40 = report(first, "legacy", 40);
        assertThat(legacy40.periodTotal()).isEqualTo(50);
        assertThat(legacy40.periodGood()).isEqualTo(50);
        // Re-running changed nothing: window 41 adds its 10 live requests only
        SloReport shop41 = report(second, TopologyHarness.APP, 41);
        assertThat(shop41.periodTotal()).isEqualTo(420);
        assertThat(shop41.periodGood()).isEqualTo(420 - 30 - 22);
        assertThat(report(second, "legacy", 41).periodTotal()).isEqualTo(50);
    }

    @Test
    void shouldLeaveWindowsFromTheLiveStartOnToTheLivePathWhenTheBackfillCoversThem() {
        // Given: an SLO counted live from minute 0, whose windows all closed
        Slo slo = SloTopologyTest.slo("checkout-availability", "99.9", Duration.ofDays(7),
                SloTopologyTest.availability(CHECKOUT));
        harness = TopologyHarness.withSlos(stateDir, List.of(slo));
        SloBackfill backfill = new SloBackfill(slo, MINUTE);
        for (int m = 0; m < 5; m++) {
            Envelope request = TopologyHarness.requestEnvelope(TopologyHarness.APP, CHECKOUT, 200, minute(m, 1));
            harness.request(request);
            backfill.add(request);
            harness.wallClockTo(minute(m + 1, 10));
        }
        harness.slo.readValuesToList();

        // When: the backfill sends the same events' totals
        sendAll(backfill.batches());
        harness.wallClockTo(minute(6, 10));

        // Then: each counted once
        assertThat(report(harness.slo.readValuesToList(), TopologyHarness.APP, 5).periodTotal()).isEqualTo(5);
    }

    private void sendAll(Map<String, List<SloCount>> batches) {
        batches.forEach((key, counts) -> counts.forEach(count -> harness.sloRepartition(key, count)));
    }

    private static SloReport report(List<SloReport> reports, String app, int minute) {
        return reports.stream().filter(r -> r.app().equals(app) && r.windowStart().equals(minute(minute, 0)))
                .findFirst().orElseThrow(() -> new AssertionError("no report for " + app + " at minute " + minute
                        + " in " + reports));
    }
}
