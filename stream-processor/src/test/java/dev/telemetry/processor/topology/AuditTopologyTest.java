package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.derived.AuditRecord;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.stage.CardinalityCaps;
import dev.telemetry.processor.stage.Detection;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit ({@code telemetry.audit}): every raw record the topology consumes is counted once, under its app, raw
 * topic and window, with what became of it; counts go out when the window closes, and progress records say how far
 * they account.
 */
class AuditTopologyTest extends HarnessTestSupport {

    private static final TopicCatalogue TOPICS = TopicCatalogue.defaults();
    private static final String METRICS = TOPICS.name(Topic.METRICS);

    @Test
    void shouldCountEachRecordOnceByWhatBecameOfItWhenItsWindowCloses() {
        // Given: one window of metrics, a request, a reported security event, feedback on its own topic and on the
        // metrics topic (where it feeds nothing)
        harness.metric("checkout_ms", 5, at(1));
        harness.metric("checkout_ms", 7, at(2));
        harness.request("198.51.100.7", "/api/cart", 200, 30, null, at(3));
        harness.securityEvent("csp_violation", null, "low", at(4));
        harness.feedbackOnItsTopic(at(5));
        harness.feedback(at(6));
        assertThat(harness.audit.readValuesToList()).as("nothing before the window closes").isEmpty();

        // When: the window closes
        harness.wallClockTo(at(71));

        // Then: one count per app, raw topic and window; a progress record per raw partition read
        Map<String, AuditRecord> counts = countsByTopic(harness.audit.readValuesToList());
        assertThat(counts.get(METRICS)).satisfies(c -> {
            assertThat(c.app()).isEqualTo(APP);
            assertThat(c.windowStart()).isEqualTo(at(0));
            assertThat(c.windowEnd()).isEqualTo(at(60));
            assertThat(c.summarised()).isEqualTo(2);
            assertThat(c.notSummarised()).as("the feedback on the metrics topic").isEqualTo(1);
            assertThat(c.late() + c.deadLettered() + c.overflowed()).isZero();
        });
        assertThat(counts.get(TOPICS.name(Topic.REQUESTS)).summarised()).isEqualTo(1);
        assertThat(counts.get(TOPICS.name(Topic.SECURITY)).notSummarised()).isEqualTo(1);
        assertThat(counts.get(TOPICS.name(Topic.FEEDBACK)).notSummarised()).isEqualTo(1);
    }

    @Test
    void shouldWriteProgressSayingHowFarTheCountsAccountWhenWindowsClose() {
        harness.metric("checkout_ms", 5, at(1));
        harness.metric("checkout_ms", 6, at(2));
        harness.wallClockTo(at(71));

        List<AuditRecord> records = harness.audit.readValuesToList();
        assertThat(records.get(records.size() - 1).kind()).as("progress after the counts it covers")
                .isEqualTo(AuditRecord.PROGRESS);
        AuditRecord progress = records.stream().filter(r -> !r.isCounts() && r.topic().equals(METRICS))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(progress.readThrough()).as("both records, offsets 0 and 1").isEqualTo(2);
        assertThat(progress.closedBefore()).isEqualTo(at(60));
        assertThat(progress.partition()).isZero();
    }

    @Test
    void shouldCountAnEventLateInItsOwnWindowWhenItArrivesAfterTheWindowClosed() {
        // Given: window [0, 60) closed by a newer event
        harness.metric("checkout_ms", 5, at(1));
        harness.metric("checkout_ms", 6, at(80));
        harness.audit.readValuesToList();

        // When: an event of the closed window arrives, and the next close check runs
        harness.metric("checkout_ms", 9, at(30));
        harness.wallClockTo(at(81));

        // Then: it is counted late, under its own window
        List<AuditRecord> counts = harness.audit.readValuesToList().stream().filter(AuditRecord::isCounts).toList();
        assertThat(counts).singleElement().satisfies(c -> {
            assertThat(c.windowStart()).isEqualTo(at(0));
            assertThat(c.late()).isEqualTo(1);
            assertThat(c.summarised()).isZero();
        });
    }

    @Test
    void shouldCountAPoisonRecordDeadLetteredUnderTheAppItsKeyNames() {
        harness.poison(Topic.METRICS, "shop|checkout_ms", "{not json", at(1));
        harness.metric("checkout_ms", 5, at(2));
        harness.wallClockTo(at(71));

        AuditRecord metrics = countsByTopic(harness.audit.readValuesToList()).get(METRICS);
        assertThat(metrics.app()).isEqualTo("shop");
        assertThat(metrics.deadLettered()).isEqualTo(1);
        assertThat(metrics.summarised()).isEqualTo(1);
    }

    @Test
    void shouldCountEventsOverflowedWhenTheCapsTurnTheirSeriesAway() {
        harness.close();
        Detection d = Detection.defaults();
        harness = new TopologyHarness(stateDir, List.of(), TopologyHarness.T0, new Detection(d.rateLimitPerMinute(),
                d.slowPageLoadMs(), d.errorRules(), d.regressionWindows(), d.forgetFingerprintsAfter(),
                new CardinalityCaps(3, 100, 100), d.securityChannels()));
        for (int i = 0; i < 10; i++) {
            harness.metric(APP, "m" + i, Map.of(), 1, at(i));
        }
        harness.wallClockTo(at(71));

        AuditRecord metrics = countsByTopic(harness.audit.readValuesToList()).get(METRICS);
        assertThat(metrics.summarised()).isEqualTo(3);
        assertThat(metrics.overflowed()).isEqualTo(7);
    }

    @Test
    void shouldAccountForEveryRecordAcrossWindowsWhenEventsSpreadOverSeveralMinutes() {
        int sent = 0;
        for (int s = 0; s < 300; s += 7) {
            harness.metric("checkout_ms", s, at(s));
            sent++;
        }
        harness.poison(Topic.METRICS, "shop|x", "[]", at(Duration.ofSeconds(150)));
        sent++;
        harness.wallClockTo(at(400));

        long accounted = harness.audit.readValuesToList().stream().filter(AuditRecord::isCounts)
                .filter(r -> r.topic().equals(METRICS)).mapToLong(AuditRecord::accounted).sum();
        assertThat(accounted).isEqualTo(sent);
    }

    private static Map<String, AuditRecord> countsByTopic(List<AuditRecord> records) {
        Map<String, AuditRecord> byTopic = new HashMap<>();
        for (AuditRecord r : records) {
            if (r.isCounts()) {
                assertThat(byTopic.put(r.topic(), r)).as("one count per topic here: %s", r).isNull();
            }
        }
        return byTopic;
    }

}
