package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.telemetry.events.derived.Summary;
import dev.telemetry.processor.stage.StateStoreKind;
import dev.telemetry.processor.window.WindowAggregate;
import dev.telemetry.processor.window.WindowSummaryProcessor;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The sketch-based fields of a window's summary: percentiles within DDSketch's accuracy, vital ratings by threshold. */
class SketchSummaryTest extends HarnessTestSupport {

    @Test
    void shouldReportPercentilesWithinOnePercentOfExactSortedValuesWhenWindowCloses() {
        // Given: 2 000 log-normally spread latencies (a long tail, as real ones), in one window
        Random random = new Random(42);
        double[] values = new double[2_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(5 + random.nextGaussian());
            harness.metric("latency_ms", values[i], at(Duration.ofMillis(i * 25L)));
        }

        harness.wallClockTo(at(70));

        Summary summary = harness.summaries.readValue();
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        assertThat(summary.count()).isEqualTo(values.length);
        assertThat(summary.min()).isEqualTo(sorted[0]);
        assertThat(summary.max()).isEqualTo(sorted[sorted.length - 1]);
        // DDSketch's guarantee: the value at rank floor(q * (n - 1)) of the sorted input, within 1 %.
        assertWithinAccuracy(summary.p50(), exactAt(sorted, 0.50));
        assertWithinAccuracy(summary.p75(), exactAt(sorted, 0.75));
        assertWithinAccuracy(summary.p90(), exactAt(sorted, 0.90));
        assertWithinAccuracy(summary.p95(), exactAt(sorted, 0.95));
        assertWithinAccuracy(summary.p99(), exactAt(sorted, 0.99));
        assertThat(summary.ratings()).as("custom metrics are not rated").isNull();
    }

    @Test
    void shouldReportExactNearestRankPercentilesWhenWindowHoldsFewValues() {
        // The window: DDSketch reported 13 for p50 ... p99, hiding the slow request.
        harness.metric("latency_ms", 13, at(1));
        harness.metric("latency_ms", 282.7, at(2));

        harness.wallClockTo(at(70));

        Summary summary = harness.summaries.readValue();
        assertThat(List.of(summary.p50(), summary.p75(), summary.p90(), summary.p95(), summary.p99()))
                .containsExactly(13.0, 282.7, 282.7, 282.7, 282.7);
    }

    @Test
    void shouldUseNearestRankUpToTheExactLimitAndTheSketchBeyondWhenWindowsGrow() {
        // 1, 2, ..., n: nearest-rank p50 is ceil(n / 2) exactly; the sketch's is within 1 % of rank floor((n-1)/2).
        int limit = WindowAggregate.EXACT_VALUES;
        for (int i = 1; i <= limit; i++) {
            harness.metric("at_limit_ms", i, at(Duration.ofMillis(i * 100L)));
            harness.metric("past_limit_ms", i, at(Duration.ofMillis(i * 100L)));
        }
        harness.metric("past_limit_ms", limit + 1, at(59));

        harness.wallClockTo(at(70));

        Map<String, Summary> byKey = harness.summaries.readKeyValuesToMap();
        Summary atLimit = byKey.get("shop|at_limit_ms");
        assertThat(atLimit.p50()).isEqualTo(128.0);
        assertThat(atLimit.p99()).isEqualTo(254.0);
        Summary pastLimit = byKey.get("shop|past_limit_ms");
        assertThat(pastLimit.count()).isEqualTo(limit + 1);
        assertWithinAccuracy(pastLimit.p50(), 129.0);
        assertThat(pastLimit.p50()).as("the sketch's value, not an exact one").isNotEqualTo(129.0);
    }

    @Test
    void shouldReportTheValueAsEveryPercentileWhenWindowHasOneObservation() {
        harness.metric("latency_ms", 1234.5, at(1));

        harness.wallClockTo(at(70));

        Summary summary = harness.summaries.readValue();
        assertThat(List.of(summary.p50(), summary.p75(), summary.p90(), summary.p95(), summary.p99()))
                .containsOnly(1234.5);
    }

    @Test
    void shouldCountVitalRatingsByOfficialThresholdsWhenVitalsArrive() {
        // LCP: good <= 2500 ms < needs-improvement <= 4000 ms < poor
        for (double lcp : new double[] {100, 2500, 2501, 4000, 4001, 9000}) {
            harness.vital("LCP", lcp, "/", null, at(1));
        }
        // CLS: good <= 0.1 < needs-improvement <= 0.25 < poor
        for (double cls : new double[] {0.1, 0.11, 0.26}) {
            harness.vital("CLS", cls, "/", null, at(2));
        }
        harness.vital("TTI", 5000, "/", null, at(3));

        harness.wallClockTo(at(70));

        Map<String, Summary> byKey = new java.util.HashMap<>();
        harness.summaries.readKeyValuesToList().forEach(kv -> byKey.put(kv.key, kv.value));
        assertThat(byKey.get("shop|LCP{page=/}").ratings()).isEqualTo(new Summary.Ratings(2, 2, 2));
        assertThat(byKey.get("shop|CLS{page=/}").ratings()).isEqualTo(new Summary.Ratings(1, 1, 1));
        assertThat(byKey.get("shop|TTI{page=/}").ratings()).as("TTI has no official thresholds").isNull();
    }

    @Test
    void shouldWriteHotAggregateToChangelogWhenStreamsCommits() {
        assumeTrue(harness.stateStores() == StateStoreKind.PERSISTENT, "in-memory stores have no changelog");
        // The driver commits after every record: each commit must carry the aggregate as it is then, so
        // that a restarted task restores exactly what the committed offsets reflect.
        harness.metric("latency_ms", 10, at(1));
        harness.metric("latency_ms", 30, at(2));

        var changelog = harness.driver.createOutputTopic("topology-test-" + WindowSummaryProcessor.WINDOWS_STORE
                + "-changelog", org.apache.kafka.common.serialization.Serdes.Bytes().deserializer(),
                WindowAggregate.serde().deserializer());
        List<Summary> committed = changelog.readValuesToList().stream()
                .map(a -> TopologyHarness.exact(a.toSummary(TopologyHarness.T0, at(60)))).toList();
        assertThat(committed).containsExactly(
                WindowSummaryTest.summary("latency_ms", 0, 1, 10.0, 10.0, 10.0),
                WindowSummaryTest.summary("latency_ms", 0, 2, 40.0, 10.0, 30.0));
    }

    private static double exactAt(double[] sorted, double quantile) {
        return sorted[(int) Math.floor(quantile * (sorted.length - 1))];
    }

    private static void assertWithinAccuracy(Double actual, double exact) {
        assertThat(actual).isCloseTo(exact, within(exact * WindowAggregate.RELATIVE_ACCURACY));
    }
}
