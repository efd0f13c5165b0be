package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.T0;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.EventType;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.window.WindowAggregate;
import dev.telemetry.processor.window.WindowStoreKey;
import dev.telemetry.processor.window.WindowSummaryProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * Windowing of {@link TelemetryTopology}: boundaries, grace, lateness, closing by stream time and by the wall clock
 * up to where the input is read.
 */
class WindowSummaryTest extends HarnessTestSupport {

    @Test
    void shouldEmitExactStatisticsOnceWhenWindowCloses() {
        harness.metric(APP, "checkout_ms", Map.of("region", "eu"), 10, at(1));
        harness.metric(APP, "checkout_ms", Map.of("region", "eu"), 30, at(20));
        harness.metric(APP, "checkout_ms", Map.of("region", "eu"), 20, at(Duration.ofMillis(59_999)));
        harness.metric("other_ms", 1, at(69));
        assertThat(harness.summaries.isEmpty()).as("no partial result before end + grace").isTrue();

        // When: stream time reaches end + grace
        harness.metric("other_ms", 1, at(70));

        List<TestRecord<String, Summary>> out = harness.summaries.readRecordsToList();
        assertThat(out).hasSize(1);
        assertThat(out.get(0).key()).isEqualTo("shop|checkout_ms{region=eu}");
        assertThat(out.get(0).getRecordTime()).isEqualTo(at(60));
        assertThat(TopologyHarness.exact(out.get(0).value())).isEqualTo(new Summary(1, APP, "checkout_ms", "checkout_ms{region=eu}",
                Map.of("region", "eu"), T0, at(60), 3, 60.0, 10.0, 30.0, 20.0));
        assertThat(harness.counters.summaries).isEqualTo(1);
    }

    @Test
    void shouldPutEventIntoNextWindowWhenItIsExactlyAtWindowEnd() {
        harness.metric("checkout_ms", 1, at(Duration.ofMillis(59_999)));
        harness.metric("checkout_ms", 2, at(60));

        // When: stream time closes both windows
        harness.metric("other_ms", 0, at(130));

        assertThat(harness.exactSummaries()).containsExactly(
                summary("checkout_ms", 0, 1, 1.0, 1.0, 1.0),
                summary("checkout_ms", 1, 1, 2.0, 2.0, 2.0));
    }

    @Test
    void shouldCountLateEventInItsWindowWhenItArrivesWithinGrace() {
        harness.metric("checkout_ms", 1, at(10));
        harness.metric("checkout_ms", 5, at(69));

        // When: an event of the first window arrives after stream time passed that window's end
        harness.metric("checkout_ms", 3, at(30));
        harness.metric("checkout_ms", 7, at(70));

        assertThat(harness.exactSummaries()).containsExactly(summary("checkout_ms", 0, 2, 4.0, 1.0, 3.0));
        assertThat(harness.counters.late).isEmpty();
    }

    @Test
    void shouldDropAndCountEventWhenItArrivesAfterGrace() {
        harness.metric("checkout_ms", 1, at(10));
        harness.metric("checkout_ms", 5, at(70));
        assertThat(harness.exactSummaries()).containsExactly(summary("checkout_ms", 0, 1, 1.0, 1.0, 1.0));

        // When: an event of the closed window arrives
        harness.metric("checkout_ms", 100, at(30));

        assertThat(harness.counters.late).isEqualTo(Map.of(EventType.METRIC, 1));
        harness.wallClockTo(at(200));
        assertThat(harness.exactSummaries()).containsExactly(summary("checkout_ms", 1, 1, 5.0, 5.0, 5.0));
    }

    @Test
    void shouldCloseLoneWindowByWallClockWhenNoLaterEventArrives() {
        harness.metric("checkout_ms", 42, at(30));

        harness.wallClockTo(at(Duration.ofMillis(69_999)));
        assertThat(harness.summaries.isEmpty()).as("window end + grace not reached").isTrue();

        harness.wallClockTo(at(70));
        assertThat(harness.exactSummariesByKey()).containsExactly(
                Map.entry("shop|checkout_ms", summary("checkout_ms", 0, 1, 42.0, 42.0, 42.0)));

        harness.wallClockTo(at(600));
        assertThat(harness.summaries.isEmpty()).as("a window is emitted once").isTrue();
    }

    @Test
    void shouldHoldStreamTimeAtAPartitionStillBeingFetchedWhenAnotherPartitionIsFarAhead() {
        // Catching up: the metrics partition is read up to 0:10 and still has records on the broker; the vitals
        // partition's buffered records are an hour ahead (Kafka Streams no longer waits for the metrics partition).
        harness.notFetchedToEnd(Topic.METRICS);
        harness.metric("checkout_ms", 1, at(10));
        harness.vital("LCP", 2000, "/", "https://shop.example/", at(3600));
        assertThat(harness.summaries.isEmpty()).as("stream time held at the metrics partition's 0:10").isTrue();

        // When: the rest of the metrics backlog is read, up to and past the first window's end + grace
        harness.metric("checkout_ms", 3, at(50));
        harness.metric("checkout_ms", 5, at(75));

        assertThat(harness.counters.late).as("nothing dropped as late").isEmpty();
        assertThat(harness.exactSummariesByKey()).containsExactly(
                Map.entry("shop|checkout_ms", summary("checkout_ms", 0, 2, 4.0, 1.0, 3.0)));

        // When: the metrics partition is fetched to its end: nothing holds stream time back any more
        harness.notFetchedToEnd();
        harness.metric("checkout_ms", 7, at(80));
        harness.metric("checkout_ms", 9, at(3700));
        Map<String, Summary> closed = harness.exactSummariesByKey();
        assertThat(closed).as("the metrics window 1:00 closed")
                .containsEntry("shop|checkout_ms", summary("checkout_ms", 1, 2, 12.0, 5.0, 7.0));
        assertThat(closed.keySet()).as("and the vitals' window 60:00").anyMatch(key -> key.contains("LCP"));
        assertThat(harness.counters.late).isEmpty();
    }

    @Test
    void shouldKeepReadingBacklogIntoItsWindowsWhenWallClockIsFarAhead() {
        // Given: a restarted processor catching up on events from ten minutes ago, not yet knowing how far it read
        harness.close();
        harness = new TopologyHarness(stateDir, List.of(), at(600));
        harness.inputReadUpTo(null);
        Instant now = at(600);
        harness.metric("checkout_ms", 1, at(5));
        harness.wallClockTo(now.plusSeconds(30));

        // When: more of the backlog arrives, however long reading it takes
        harness.metric("checkout_ms", 2, at(20));
        harness.wallClockTo(now.plusSeconds(60));
        harness.metric("checkout_ms", 3, at(40));
        assertThat(harness.summaries.isEmpty()).isTrue();

        // Then: once the input is read to the end, the wall clock closes the window with all of the backlog
        harness.inputReadUpTo(now.plusSeconds(61));
        harness.wallClockTo(now.plusSeconds(62));
        assertThat(harness.exactSummaries()).containsExactly(summary("checkout_ms", 0, 3, 6.0, 1.0, 3.0));
        assertThat(harness.counters.late).isEmpty();
    }

    @Test
    void shouldHoldWindowsAndCountEveryEventWhenInputIsUnreadDuringAnOutage() {
        // Given: the input is read up to 35 s, then the broker stops answering
        harness.metric("checkout_ms", 1, at(10));
        harness.metric("checkout_ms", 2, at(30));
        harness.inputReadUpTo(at(35));

        // When: the wall clock runs on for minutes
        harness.wallClockTo(at(300));

        // Then: nothing closes, and the events written before the outage are counted when they are finally read
        assertThat(harness.summaries.isEmpty()).as("a window closes only when its input is read").isTrue();
        harness.metric("checkout_ms", 3, at(50));
        harness.inputReadUpTo(at(301));
        harness.wallClockTo(at(302));
        assertThat(harness.exactSummaries()).containsExactly(summary("checkout_ms", 0, 3, 6.0, 1.0, 3.0));
        assertThat(harness.counters.late).isEmpty();
    }

    @Test
    void shouldCloseQuietWindowOnlyUpToWhereInputIsReadWhenReadingLags() {
        harness.metric("checkout_ms", 1, at(10));
        harness.inputReadUpTo(at(69));

        harness.wallClockTo(at(100));
        assertThat(harness.summaries.isEmpty()).as("read up to 69 s: end + grace (70 s) not reached").isTrue();

        harness.inputReadUpTo(at(70));
        harness.wallClockTo(at(101));
        assertThat(harness.exactSummaries()).containsExactly(summary("checkout_ms", 0, 1, 1.0, 1.0, 1.0));
    }

    @Test
    void shouldHoldRateLimitMinuteWhenInputIsUnread() {
        harness.request("198.51.100.7", "/api/cart", 200, 10, null, at(10));
        harness.inputReadUpTo(at(20));
        harness.wallClockTo(at(300));
        assertThat(harness.ratelimit.isEmpty()).as("the minute waits for its unread requests").isTrue();

        harness.request("198.51.100.7", "/api/cart", 200, 10, null, at(40));
        harness.inputReadUpTo(at(301));
        harness.wallClockTo(at(302));

        assertThat(harness.ratelimit.readValuesToList()).extracting(RateLimitCount::count).containsExactly(2L);
        assertThat(harness.counters.late).isEmpty();
    }

    @Test
    void shouldEmitClosedWindowsOldestFirstWhenSeveralCloseAtOnce() {
        harness.metric("a_ms", 2, at(65));
        harness.metric("z_ms", 1, at(5));

        harness.wallClockTo(at(300));

        assertThat(harness.exactSummaries()).containsExactly(
                summary("z_ms", 0, 1, 1.0, 1.0, 1.0),
                summary("a_ms", 1, 1, 2.0, 2.0, 2.0));
    }

    @Test
    void shouldUseEnvelopeEventTimeWhenKafkaRecordTimeDiffers() {
        harness.metricWithRecordTime("checkout_ms", 9, at(5), at(300));

        harness.wallClockTo(at(70));

        assertThat(harness.exactSummaries()).containsExactly(summary("checkout_ms", 0, 1, 9.0, 9.0, 9.0));
    }

    @Test
    void shouldKeepSeriesApartWhenAppsOrTagsDiffer() {
        harness.metric("shop", "checkout_ms", Map.of("region", "eu"), 1, at(1));
        harness.metric("shop", "checkout_ms", Map.of("region", "us"), 2, at(2));
        harness.metric("blog", "checkout_ms", Map.of("region", "eu"), 4, at(3));
        harness.metric("shop", "checkout_ms", Map.of("region", "eu"), 8, at(4));

        harness.wallClockTo(at(70));

        assertThat(harness.summaries.readKeyValuesToMap()).containsOnlyKeys(
                "shop|checkout_ms{region=eu}", "shop|checkout_ms{region=us}", "blog|checkout_ms{region=eu}");
        assertThat(harness.summaries.isEmpty()).isTrue();
    }

    @Test
    void shouldSummariseVitalsPerPageWhenPageOrUrlIsGiven() {
        harness.vital("LCP", 2000, "/checkout", null, at(1));
        harness.vital("LCP", 3000, null, "https://shop.example/checkout?session=abc#top", at(2));
        harness.vital("LCP", 1000, null, null, at(3));

        harness.wallClockTo(at(70));

        assertThat(harness.exactSummariesByKey()).isEqualTo(Map.of(
                "shop|LCP{page=/checkout}", new Summary(1, APP, "LCP", "LCP{page=/checkout}", Map.of("page", "/checkout"),
                        T0, at(60), 2, 5000.0, 2000.0, 3000.0, 2500.0),
                "shop|LCP", summary("LCP", 0, 1, 1000.0, 1000.0, 1000.0)));
    }

    @Test
    void shouldSummariseActionDurationsUnderActionPrefixWhenActionsArrive() {
        harness.action("checkout", 100, at(1));
        harness.action("checkout", 300, at(2));

        harness.wallClockTo(at(70));

        assertThat(harness.exactSummariesByKey()).containsExactly(Map.entry("shop|action-checkout",
                new Summary(1, APP, "action-checkout", "action-checkout", Map.of(), T0, at(60), 2, 400.0, 100.0, 300.0, 200.0)));
    }

    @Test
    void shouldSkipAndCountEventWhenItFeedsNoSeries() {
        harness.feedback(at(1));

        harness.wallClockTo(at(70));

        assertThat(harness.summaries.isEmpty()).isTrue();
        assertThat(harness.counters.ignored).isEqualTo(Map.of(EventType.FEEDBACK, 1));
    }

    @Test
    void shouldKeepWatermarkInStoreAndForgetEmittedWindowWhenWindowCloses() {
        harness.metric("checkout_ms", 1, at(10));
        harness.metric("checkout_ms", 2, at(65));

        harness.wallClockTo(at(75));

        // The changelogged watermark is what a restarted task resumes from; emitted windows leave the store.
        KeyValueStore<String, Long> watermark = harness.driver.getKeyValueStore(WindowSummaryProcessor.WATERMARK_STORE);
        assertThat(watermark.get("watermark")).isEqualTo(at(75).toEpochMilli());
        KeyValueStore<Bytes, WindowAggregate> windows = harness.driver.getKeyValueStore(WindowSummaryProcessor.WINDOWS_STORE);
        List<KeyValue<Bytes, WindowAggregate>> open = new ArrayList<>();
        try (KeyValueIterator<Bytes, WindowAggregate> all = windows.all()) {
            all.forEachRemaining(open::add);
        }
        assertThat(open).extracting(kv -> kv.key).containsExactly(WindowStoreKey.of(at(60).toEpochMilli(), "shop|checkout_ms"));
        assertThat(TopologyHarness.exact(open.get(0).value.toSummary(at(60), at(120))))
                .isEqualTo(summary("checkout_ms", 1, 1, 2.0, 2.0, 2.0));
    }

    @Test
    void shouldNameEveryProcessorAndStoreWhenTopologyIsDescribed() {
        String description = TelemetryTopology.build(new ProcessorSettings(TopicCatalogue.defaults(),
                TopologyHarness.WINDOW, TopologyHarness.GRACE, Duration.ofSeconds(1), List.of()), harness.counters)
                .describe().toString();

        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-")
                .contains("summary-windows", "summary-watermark", "alert-states", "window-summaries", "alert-rules")
                // The app's error_rate: its own aggregation behind the named repartition topic.
                .contains("app-error-rate-by-app", "requests-by-app-repartition", "app-error-rate-observations",
                        "app-error-rate-summaries", "app-error-rate-windows", "app-error-rate-watermark",
                        "merge-app-error-rates")
                // Values the cardinality caps turned away: per app behind their own repartition topic.
                .contains("summary-cardinality", "series-overflow-by-app-repartition", "series-overflow-summaries",
                        "series-overflow-windows", "cardinality-alerts", "cardinality-alerts-sink", "merge-overflow")
                // SLOs: counts per SLO and app behind their own repartition topic, reports and burn-rate alerts.
                .contains("slo-counts", "slo-counts-by-slo-repartition", "slo-windows", "slo-window-counts",
                        "slo-series", "slo-watermark", "slo-sink", "slo-alerts-sink");
    }

    /** The summary of series {@code metric} (no labels, app {@link TopologyHarness#APP}) in the window {@code index} minutes after T0. */
    static Summary summary(String metric, int index, long count, double sum, double min, double max) {
        Instant start = T0.plus(TopologyHarness.WINDOW.multipliedBy(index));
        return new Summary(1, APP, metric, metric, Map.of(), start, start.plus(TopologyHarness.WINDOW), count, sum, min,
                max, sum / count);
    }
}
