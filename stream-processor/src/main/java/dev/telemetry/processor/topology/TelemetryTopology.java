package dev.telemetry.processor.topology;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The stream processor's whole topology, built by one pure function that production and tests share.
 * Inputs: {@code telemetry.metrics}, {@code telemetry.vitals}, {@code telemetry.actions} (envelopes);
 * outputs: {@code telemetry.summaries} (one {@link Summary} per series and closed window) and
 * {@code telemetry.alerts} (one {@link AlertEvent} per alert state change). Actual names come from
 * the settings' topic catalogue.
 *
 * <pre>
 * metrics-source ─┐
 * vitals-source ──┼─ series-observations ─ window-summaries ─┬─ summaries-sink
 * actions-source ─┘     (event → series)    [summary-windows, ├─ alert-rules ─ alerts-sink
 *                                            summary-watermark] [alert-states]
 * </pre>
 * Every processor and store is named, so internal topic names (changelogs) stay stable across versions.
 * No repartition: the raw topics are keyed by app and series, and a series' page label only refines it.
 */
public final class TelemetryTopology {

    private TelemetryTopology() {
    }

    public static Topology build(ProcessorSettings settings, ProcessorMetrics metrics) {
        TopicCatalogue topics = settings.topics();
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, Envelope> events = source(builder, topics, Topic.METRICS, "metrics-source")
                .merge(source(builder, topics, Topic.VITALS, "vitals-source"), Named.as("merge-vitals"))
                .merge(source(builder, topics, Topic.ACTIONS, "actions-source"), Named.as("merge-actions"));

        KStream<String, SeriesObservation> observations = events.flatMapValues(envelope -> {
            if (envelope == null) {
                return List.of();
            }
            List<SeriesObservation> found = SeriesObservations.of(envelope);
            if (found.isEmpty()) {
                metrics.recordIgnored(envelope.type());
            }
            return found;
        }, Named.as("series-observations"));

        KStream<String, Summary> summaries = observations.process(
                WindowSummaryProcessor.supplier(settings, metrics), Named.as("window-summaries"));
        summaries.to(topics.name(Topic.SUMMARIES),
                Produced.with(Serdes.String(), JsonSerde.summary()).withName("summaries-sink"));

        summaries.process(AlertRuleProcessor.supplier(settings.rules(), metrics), Named.as("alert-rules"))
                .to(topics.name(Topic.ALERTS), Produced.with(Serdes.String(), JsonSerde.alert()).withName("alerts-sink"));

        return builder.build();
    }

    private static KStream<String, Envelope> source(StreamsBuilder builder, TopicCatalogue topics, Topic topic,
                                                    String name) {
        return builder.stream(topics.name(topic), Consumed.with(Serdes.String(), JsonSerde.envelope())
                .withTimestampExtractor(new EnvelopeEventTimeExtractor())
                .withName(name));
    }
}
