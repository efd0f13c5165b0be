package dev.telemetry.processor.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.topology.TelemetryTopology;
import dev.telemetry.processor.stage.ProcessorMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What each task of the production topology reads, from its description. */
class TopologyInputsTest {

    @Test
    void shouldFindRawTopicsAndEachRepartitionTopicWithItsOwnUpstreamWhenReadingTheProductionTopology() {
        TopicCatalogue topics = TopicCatalogue.defaults();
        ProcessorSettings settings = new ProcessorSettings(topics, Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(1), List.of());

        TopologyInputs inputs = TopologyInputs.of(TelemetryTopology.build(settings, new Uncounted()).describe(), "app");

        Set<String> raw = Set.of(topics.name(Topic.METRICS), topics.name(Topic.VITALS), topics.name(Topic.ACTIONS),
                topics.name(Topic.REQUESTS), topics.name(Topic.SYNTHETIC), topics.name(Topic.ERRORS),
                topics.name(Topic.SECURITY), topics.name(Topic.FEEDBACK));
        // The app error_rate's, the overflow's and the per page and form factor vitals' summaries merge into the others, so a task of sub-topology 0 reads
        // partition p of every raw topic and of their three repartition topics; the event-alert rollup only writes
        // alerts, so it is a sub-topology of its own, reading only the detectors' items; so are the SLO windows, reading
        // only the SLO counts.
        Set<String> all = new java.util.HashSet<>(raw);
        all.add("app-requests-by-app-repartition");
        all.add("app-series-overflow-by-app-repartition");
        all.add("app-vitals-by-page-repartition");
        assertThat(inputs.sourcesBySubtopology()).isEqualTo(java.util.Map.of(0, all,
                1, Set.of("app-event-offenses-by-rule-repartition"), 2, Set.of("app-slo-counts-by-slo-repartition")));
        // Each repartition topic's upstream is what feeds its writer, never the other repartition topic: counted in,
        // each would wait for the other and neither would ever be known to be read.
        Set<String> series = new java.util.HashSet<>(raw);
        series.remove(topics.name(Topic.SECURITY));
        series.remove(topics.name(Topic.FEEDBACK));
        assertThat(inputs.upstreamOfInternal()).isEqualTo(java.util.Map.of(
                "app-requests-by-app-repartition", Set.of(topics.name(Topic.REQUESTS)),
                "app-vitals-by-page-repartition", Set.of(topics.name(Topic.VITALS)),
                // The main aggregation, which writes the overflow, reads every raw record: it accounts for each (the audit).
                "app-series-overflow-by-app-repartition", raw,
                "app-event-offenses-by-rule-repartition", Set.of(topics.name(Topic.REQUESTS), topics.name(Topic.SECURITY),
                        topics.name(Topic.ERRORS)),
                "app-slo-counts-by-slo-repartition", series));
        assertThat(inputs.isInternal(topics.name(Topic.SECURITY))).as("the processor also writes it, but it is raw input")
                .isFalse();
    }

    private static final class Uncounted implements ProcessorMetrics {
        @Override
        public void lateRecordDropped(dev.telemetry.events.EventType type) {
        }

        @Override
        public void recordIgnored(dev.telemetry.events.EventType type) {
        }

        @Override
        public void summaryEmitted() {
        }

        @Override
        public void seriesOverflowed(String app, String reason) {
        }

        @Override
        public void findingEmitted(String finding) {
        }

        @Override
        public void alertChanged(dev.telemetry.events.derived.AlertStatus status) {
        }
    }
}
