package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.T0;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.VitalAttribution;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.derived.VitalOffenders;
import dev.telemetry.events.derived.VitalOffenders.Offender;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.offenders.TargetSketch;
import dev.telemetry.processor.stage.Detection;
import dev.telemetry.processor.stage.StateStoreKind;
import dev.telemetry.processor.stage.VitalOffendersLimits;
import dev.telemetry.processor.window.WindowStoreKey;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code telemetry.vitals-attribution}: per app, page, vital (LCP, INP, CLS) and closed window, the attribution
 * targets of the poor vitals, most frequent first, with counts and p75.
 */
class VitalOffendersTest extends HarnessTestSupport {

    private TestInputTopic<String, Envelope> vitals;
    private TestOutputTopic<String, VitalOffenders> offenders;

    @BeforeEach
    void topics() {
        openTopics();
    }

    private void openTopics() {
        TopicCatalogue topics = TopicCatalogue.defaults();
        vitals = harness.driver.createInputTopic(topics.name(Topic.VITALS), Serdes.String().serializer(),
                JsonSerde.envelope().serializer());
        offenders = harness.driver.createOutputTopic(topics.name(Topic.VITALS_ATTRIBUTION),
                Serdes.String().deserializer(), JsonSerde.vitalOffenders().deserializer());
    }

    @Test
    void shouldRankPoorVitalsTargetsWithCountsAndP75WhenWindowCloses() {
        lcp("/checkout", "img.hero", 4100, at(1));
        lcp("/checkout", "img.hero", 5000, at(2));
        lcp("/checkout", "img.hero", 4500, at(3));
        lcp("/checkout", "h1.title", 6000, at(4));
        lcp("/checkout", "h1.title", 4200, at(5));
        lcp("/checkout", "p.lead", 4300, at(6));
        inp("/checkout", "button#buy", 600, at(7));
        inp("/checkout", "button#buy", 900, at(8));
        cls("/checkout", "div.ad", 0.3, at(9));

        harness.wallClockTo(at(70));

        Map<String, VitalOffenders> byKey = byKey(offenders.readKeyValuesToList());
        assertThat(byKey).containsOnlyKeys("shop|/checkout|LCP", "shop|/checkout|INP", "shop|/checkout|CLS");
        assertThat(byKey.get("shop|/checkout|LCP")).isEqualTo(new VitalOffenders(1, APP, "/checkout", "LCP", T0,
                at(60), 6, List.of(
                        // Nearest rank: p75 of 3 values is the 3rd, of 2 the 2nd.
                        new Offender("img.hero", 3, 0, 5000),
                        new Offender("h1.title", 2, 0, 6000),
                        new Offender("p.lead", 1, 0, 4300))));
        assertThat(byKey.get("shop|/checkout|INP").offenders()).containsExactly(new Offender("button#buy", 2, 0, 900));
        assertThat(byKey.get("shop|/checkout|CLS").offenders()).containsExactly(new Offender("div.ad", 1, 0, 0.3));
    }

    @Test
    void shouldCountOnlyVitalsTheProcessorRatesPoorWhateverTheClientSaid() {
        // Good and needs-improvement by the thresholds, though the client calls them poor.
        pipe(vital("LCP", 2400, "poor", "/", null, lcpTarget("img.hero")), at(1));
        pipe(vital("LCP", 3900, "poor", "/", null, lcpTarget("img.hero")), at(2));
        pipe(vital("INP", 500, "poor", "/", null, inpTarget("button")), at(3));
        pipe(vital("CLS", 0.25, "poor", "/", null, clsTarget("div.ad")), at(4));
        // Poor by the thresholds, though the client calls it good.
        pipe(vital("LCP", 4001, "good", "/", null, lcpTarget("img.hero")), at(5));

        harness.wallClockTo(at(70));

        assertThat(offenders.readValuesToList()).singleElement().satisfies(o -> {
            assertThat(o.vital()).isEqualTo("LCP");
            assertThat(o.poorCount()).isEqualTo(1);
            assertThat(o.offenders()).containsExactly(new Offender("img.hero", 1, 0, 4001));
        });
    }

    @Test
    void shouldIgnorePoorVitalsWithoutTargetAndOtherVitals() {
        // No attribution; an attribution without its target; another vital's target field.
        pipe(vital("LCP", 5000, null, "/", null, null), at(1));
        pipe(vital("LCP", 5000, null, "/", null, new VitalAttribution(null, "https://cdn/hero.jpg", 100.0, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null)), at(2));
        pipe(vital("LCP", 5000, null, "/", null, inpTarget("button")), at(3));
        pipe(vital("INP", 800, null, "/", null, lcpTarget("img.hero")), at(4));
        pipe(vital("CLS", 0.5, null, "/", null, clsTarget(" ")), at(5));
        // Poor FCP, TTFB and FID whose attribution (built by hand) names a target: not LCP, INP or CLS.
        pipe(vital("FCP", 5000, null, "/", null, lcpTarget("img.hero")), at(6));
        pipe(vital("TTFB", 5000, null, "/", null, lcpTarget("img.hero")), at(7));
        pipe(vital("FID", 500, null, "/", null, inpTarget("button")), at(8));

        harness.wallClockTo(at(70));

        assertThat(offenders.readValuesToList()).isEmpty();
        // The summaries still count them all.
        assertThat(harness.summaries.readValuesToList()).isNotEmpty();
    }

    @Test
    void shouldKeepPagesApartWithTheSummariesPageLabel() {
        lcp("/a", "img.hero", 5000, at(1));
        lcp("/b", "img.hero", 6000, at(2));
        lcp("/b", "img.hero", 7000, at(3));
        // No page: the path of the url, as the summaries label it; neither: "".
        pipe(vital("LCP", 4500, null, null, "https://shop.example/cart?step=2#top", lcpTarget("img.cart")), at(4));
        pipe(vital("LCP", 4600, null, " ", null, lcpTarget("img.logo")), at(5));

        harness.wallClockTo(at(70));

        Map<String, VitalOffenders> byKey = byKey(offenders.readKeyValuesToList());
        assertThat(byKey).containsOnlyKeys("shop|/a|LCP", "shop|/b|LCP", "shop|/cart|LCP", "shop||LCP");
        assertThat(byKey.get("shop|/a|LCP").offenders()).containsExactly(new Offender("img.hero", 1, 0, 5000));
        assertThat(byKey.get("shop|/b|LCP").offenders()).containsExactly(new Offender("img.hero", 2, 0, 7000));
        assertThat(byKey.get("shop|/cart|LCP").page()).isEqualTo("/cart");
        assertThat(byKey.get("shop||LCP").page()).isEmpty();
        assertThat(harness.summaries.readKeyValuesToList()).extracting(kv -> kv.key).contains("shop|LCP{page=/cart}");
    }

    @Test
    void shouldCountPagesBeyondTheCapUnderOtherPagesWhenAClientSendsManyPages() {
        harness.close();
        Detection d = Detection.defaults();
        harness = new TopologyHarness(stateDir, List.of(), T0, new Detection(d.rateLimitPerMinute(), d.slowPageLoadMs(),
                d.errorRules(), d.regressionWindows(), d.forgetFingerprintsAfter(),
                new dev.telemetry.processor.stage.CardinalityCaps(2_000, 10_000, 2), d.securityChannels(), d.rollups(),
                VitalOffendersLimits.defaults()));
        openTopics();
        lcp("/a", "img.hero", 5000, at(1));
        lcp("/b", "img.hero", 5000, at(2));
        lcp("/c", "img.c", 6000, at(3));
        lcp("/d", "img.d", 7000, at(4));
        lcp("/a", "img.hero", 5000, at(5));
        inp("/e", "#buy", 900, at(6));

        harness.wallClockTo(at(70));

        Map<String, VitalOffenders> byKey = byKey(offenders.readKeyValuesToList());
        assertThat(byKey).as("two pages per app, vital and window (cardinality.max-series-per-metric), then one more")
                .containsOnlyKeys("shop|/a|LCP", "shop|/b|LCP", "shop|(other pages)|LCP", "shop|/e|INP");
        assertThat(byKey.get("shop|/a|LCP").poorCount()).as("an admitted page keeps its sketch").isEqualTo(2);
        assertThat(byKey.get("shop|(other pages)|LCP").offenders()).containsExactly(new Offender("img.c", 1, 0, 6000),
                new Offender("img.d", 1, 0, 7000));
    }

    @Test
    void shouldEmitOneRecordPerWindowAtItsCloseAndDropLateVitals() {
        lcp("/", "img.hero", 5000, at(10));
        lcp("/", "img.hero", 5000, at(65));

        // Then: nothing before the first window's end + grace
        harness.wallClockTo(at(69));
        assertThat(offenders.isEmpty()).isTrue();

        // When: the wall clock passes it
        harness.wallClockTo(at(70));
        List<TestRecord<String, VitalOffenders>> first = offenders.readRecordsToList();
        assertThat(first).singleElement().satisfies(r -> {
            assertThat(r.getKey()).isEqualTo("shop|/|LCP");
            assertThat(r.getValue().windowStart()).isEqualTo(T0);
            assertThat(r.getValue().windowEnd()).isEqualTo(at(60));
            assertThat(r.getRecordTime()).isEqualTo(at(60));
            assertThat(r.getValue().poorCount()).isEqualTo(1);
        });

        // Then: a late vital of the closed window reopens nothing, and is not counted in the next one
        lcp("/", "img.late", 9000, at(30));
        harness.wallClockTo(at(100));
        assertThat(offenders.isEmpty()).isTrue();

        // When: event time closes the second window (a vital's: the offenders read the vitals only)
        harness.metric("memory_usage", 0.5, at(131));
        assertThat(offenders.isEmpty()).as("other events do not move the offenders' clock").isTrue();
        lcp("/other", "img.next", 100, at(131));
        List<VitalOffenders> second = offenders.readValuesToList();
        assertThat(second).singleElement().satisfies(o -> {
            assertThat(o.windowStart()).isEqualTo(at(60));
            assertThat(o.offenders()).containsExactly(new Offender("img.hero", 1, 0, 5000));
        });

        // Then: nothing twice
        harness.wallClockTo(at(300));
        assertThat(offenders.isEmpty()).isTrue();
    }

    @Test
    void shouldDropAsLateTheVitalsTheSummariesDropAsLateWhenVitalsClosedTheWindow() {
        lcp("/", "img.hero", 5000, at(1));
        // A vital of another page moves stream time past the first window's close, for both.
        lcp("/other", "img.next", 5000, at(75));
        lcp("/", "img.late", 5000, at(2));

        harness.wallClockTo(at(300));

        Map<String, VitalOffenders> byKey = byKey(offenders.readKeyValuesToList());
        assertThat(byKey.get("shop|/|LCP").offenders()).extracting(Offender::target).containsExactly("img.hero");
        assertThat(byKey.get("shop|/other|LCP").windowStart()).isEqualTo(at(60));
        assertThat(harness.summaries.readValuesToList()).filteredOn(s -> s.series().equals("LCP{page=/}"))
                .singleElement().satisfies(s -> assertThat(s.count()).isEqualTo(1));
    }

    @Test
    void shouldChangelogTheSketchesAndTheWatermarkSoThatARestartedTaskResumes() {
        assumeTrue(harness.stateStores() == StateStoreKind.PERSISTENT, "in-memory stores have no changelog");
        lcp("/", "img.hero", 5000, at(1));
        lcp("/", "img.hero", 6000, at(2));
        lcp("/", "h1", 4100, at(3));

        // The driver commits after every record: the changelog carries each sketch as it is then, which is what
        // a restarted or migrated task restores (exactly-once: with the offsets it reflects).
        TestOutputTopic<Bytes, TargetSketch> changelog = harness.driver.createOutputTopic(
                "topology-test-vital-offenders-windows-changelog", Serdes.Bytes().deserializer(),
                TargetSketch.serde().deserializer());
        List<KeyValue<Bytes, TargetSketch>> written = changelog.readKeyValuesToList();
        assertThat(written).hasSize(3);
        KeyValue<Bytes, TargetSketch> last = written.get(2);
        assertThat(last.key).isEqualTo(WindowStoreKey.of(T0.toEpochMilli(), APP + "\0/\0LCP"));
        assertThat(last.value.total()).isEqualTo(3);
        assertThat(last.value.top(10)).containsExactly(new TargetSketch.Estimate("img.hero", 2, 0, 6000),
                new TargetSketch.Estimate("h1", 1, 0, 4100));

        // When the window closes: the sketch leaves the store (a tombstone) and the watermark is kept, so a
        // restarted task neither re-emits the window nor reopens it.
        harness.wallClockTo(at(70));
        assertThat(changelog.readKeyValuesToList()).singleElement().satisfies(kv -> assertThat(kv.value).isNull());
        TestOutputTopic<String, Long> watermark = harness.driver.createOutputTopic(
                "topology-test-vital-offenders-watermark-changelog", Serdes.String().deserializer(),
                Serdes.Long().deserializer());
        assertThat(watermark.readValuesToList()).last().isEqualTo(at(70).toEpochMilli());
    }

    @Test
    void shouldNameTheConfiguredTopNAndCountEveryPoorVital() {
        useTopN(2);
        for (int i = 0; i < 5; i++) {
            lcp("/", "img.hero", 5000, at(1));
        }
        for (int i = 0; i < 3; i++) {
            lcp("/", "h1", 5000, at(2));
        }
        lcp("/", "p", 5000, at(3));

        harness.wallClockTo(at(70));

        assertThat(offenders.readValuesToList()).singleElement().satisfies(o -> {
            assertThat(o.poorCount()).isEqualTo(9);
            assertThat(o.offenders()).containsExactly(new Offender("img.hero", 5, 0, 5000), new Offender("h1", 3, 0, 5000));
        });
    }

    @Test
    void shouldBoundTheCountsWhenMoreTargetsThanTheSketchTracks() {
        // Top 1: 4 counters. Six distinct targets, the hot one first and last.
        useTopN(1);
        lcp("/", "img.hero", 5000, at(1));
        lcp("/", "img.hero", 5000, at(1));
        for (String t : List.of("a", "b", "c", "d", "e")) {
            lcp("/", t, 4500, at(2));
        }
        lcp("/", "img.hero", 5000, at(3));

        harness.wallClockTo(at(70));

        VitalOffenders o = offenders.readValuesToList().get(0);
        assertThat(o.poorCount()).isEqualTo(8);
        Offender top = o.offenders().get(0);
        assertThat(o.offenders()).hasSize(1);
        assertThat(top.target()).isEqualTo("img.hero");
        assertThat(top.count()).isGreaterThanOrEqualTo(3);
        assertThat(top.count() - top.maxOvercount()).isLessThanOrEqualTo(3);
    }

    @Test
    void shouldNameItsProcessorStoresAndSinkWhenTopologyIsDescribed() {
        String description = TelemetryTopology.build(new dev.telemetry.processor.stage.ProcessorSettings(
                TopicCatalogue.defaults(), TopologyHarness.WINDOW, TopologyHarness.GRACE, java.time.Duration.ofSeconds(1),
                List.of()), harness.counters).describe().toString();

        assertThat(description).doesNotContain("KSTREAM-", "KTABLE-")
                .contains("vital-offenders", "vital-offenders-windows", "vital-offenders-watermark",
                        "vital-offenders-sink", "telemetry.vitals-attribution");
    }

    private void useTopN(int topN) {
        harness.close();
        Detection d = Detection.defaults();
        harness = new TopologyHarness(stateDir, List.of(), T0, new Detection(d.rateLimitPerMinute(), d.slowPageLoadMs(),
                d.errorRules(), d.regressionWindows(), d.forgetFingerprintsAfter(), d.cardinality(),
                d.securityChannels(), d.rollups(), new VitalOffendersLimits(topN)));
        openTopics();
    }

    private static Map<String, VitalOffenders> byKey(List<KeyValue<String, VitalOffenders>> records) {
        Map<String, VitalOffenders> byKey = new HashMap<>();
        records.forEach(kv -> assertThat(byKey.put(kv.key, kv.value)).as("one record per key: " + kv.key).isNull());
        return byKey;
    }

    private void lcp(String page, String target, double value, Instant at) {
        pipe(vital("LCP", value, null, page, null, lcpTarget(target)), at);
    }

    private void inp(String page, String target, double value, Instant at) {
        pipe(vital("INP", value, null, page, null, inpTarget(target)), at);
    }

    private void cls(String page, String target, double value, Instant at) {
        pipe(vital("CLS", value, null, page, null, clsTarget(target)), at);
    }

    private static VitalAttribution lcpTarget(String target) {
        return new VitalAttribution(target, null, 100.0, 10.0, 200.0, 30.0, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }

    private static VitalAttribution inpTarget(String target) {
        return new VitalAttribution(null, null, null, null, null, null, target, "pointer", 10.0, 100.0, 50.0, null, null,
                null, null, null, null, null, null, "complete");
    }

    private static VitalAttribution clsTarget(String target) {
        return new VitalAttribution(null, null, null, null, null, null, null, null, null, null, null, target, 0.2,
                null, null, null, null, null, null, "complete");
    }

    private static VitalEvent vital(String name, double value, String rating, String page, String url,
                                    VitalAttribution attribution) {
        return new VitalEvent(name, value, "v5-" + UUID.randomUUID(), "navigate", rating, null, page, url, null,
                attribution, null, null);
    }

    private void pipe(VitalEvent vital, Instant at) {
        Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, APP, at, at,
                "203.0.113.9", "test-agent", vital);
        vitals.pipeInput(envelope.key(), envelope, at);
    }
}
