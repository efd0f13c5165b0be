package dev.telemetry.processor.topology;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The stream processor's whole topology, built by one pure function that production and tests share.
 * Inputs (envelopes): {@code telemetry.metrics}, {@code .vitals}, {@code .actions}, {@code .requests},
 * {@code .synthetic}, {@code .errors}, {@code .security}; outputs: {@code telemetry.summaries} (one
 * {@link Summary} per series and closed window), {@code telemetry.alerts} (one {@link AlertEvent} per alert
 * state change, and event alerts), {@code telemetry.ratelimit} (requests per ip, endpoint and minute) and
 * {@code telemetry.security} (the processor's findings). Actual names come from the settings' topic catalogue.
 *
 * <pre>
 * metrics/vitals/actions/requests/synthetic/errors-source ─ series-observations ─ window-summaries ─┬─ summaries-sink
 *                                                           (event → series)   [summary-windows,    └─ alert-rules ─ alerts-sink
 *                                                                               summary-watermark,      [alert-states]
 *                                                                               summary-cardinality]
 * requests-source ─ request-checks [ratelimit-counts, ratelimit-watermark] ─┬─ ratelimit-sink
 * security-source ─ security-events ──────────────────────────────────────┼─ findings-sink
 * errors-source ─ error-alerts [error-fingerprints] ───────────────────────┴─ event-alerts-sink
 * </pre>
 * Every processor and store is named, so internal topic names (changelogs) stay stable across versions.
 * No repartition: the raw topics are keyed by app and series, and every series derived here refines that key.
 */
public final class TelemetryTopology {

    static final String REQUEST_CHECKS = "request-checks";
    static final String SECURITY_EVENTS = "security-events";
    static final String ERROR_ALERTS = "error-alerts";
    static final String FINDINGS_SINK = "findings-sink";
    static final String EVENT_ALERTS_SINK = "event-alerts-sink";

    private TelemetryTopology() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Topology build(ProcessorSettings settings, ProcessorMetrics metrics) {
        TopicCatalogue topics = settings.topics();
        StreamsBuilder builder = new StreamsBuilder();

        KStream<String, Envelope> requests = source(builder, topics, Topic.REQUESTS, "requests-source");
        KStream<String, Envelope> errors = source(builder, topics, Topic.ERRORS, "errors-source");
        source(builder, topics, Topic.SECURITY, "security-source");
        KStream<String, Envelope> events = source(builder, topics, Topic.METRICS, "metrics-source")
                .merge(source(builder, topics, Topic.VITALS, "vitals-source"), Named.as("merge-vitals"))
                .merge(source(builder, topics, Topic.ACTIONS, "actions-source"), Named.as("merge-actions"))
                .merge(requests, Named.as("merge-requests"))
                .merge(source(builder, topics, Topic.SYNTHETIC, "synthetic-source"), Named.as("merge-synthetic"))
                .merge(errors, Named.as("merge-errors"));

        SeriesObservations series = new SeriesObservations(settings.detection());
        KStream<String, SeriesObservation> observations = events.flatMapValues(envelope -> {
            if (envelope == null) {
                return List.of();
            }
            List<SeriesObservation> found = series.of(envelope);
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

        // Processors with several outputs forward to named sinks, which the DSL cannot express.
        Topology topology = builder.build();
        topology.addProcessor(REQUEST_CHECKS, RequestChecksProcessor.supplier(settings, metrics), "requests-source");
        topology.addProcessor(SECURITY_EVENTS, () -> new SecurityEventsProcessor(settings, metrics), "security-source");
        topology.addProcessor(ERROR_ALERTS, ErrorAlertsProcessor.supplier(settings, metrics), "errors-source");
        topology.addSink(RequestChecksProcessor.RATELIMIT_SINK, topics.name(Topic.RATELIMIT), Serdes.String().serializer(),
                (Serializer) JsonSerde.rateLimitCount().serializer(), REQUEST_CHECKS);
        topology.addSink(FINDINGS_SINK, topics.name(Topic.SECURITY), Serdes.String().serializer(),
                (Serializer) JsonSerde.envelope().serializer(), REQUEST_CHECKS, SECURITY_EVENTS);
        topology.addSink(EVENT_ALERTS_SINK, topics.name(Topic.ALERTS), Serdes.String().serializer(),
                (Serializer) JsonSerde.alert().serializer(), REQUEST_CHECKS, SECURITY_EVENTS, ERROR_ALERTS);
        return topology;
    }

    private static KStream<String, Envelope> source(StreamsBuilder builder, TopicCatalogue topics, Topic topic,
                                                    String name) {
        return builder.stream(topics.name(topic), Consumed.with(Serdes.String(), JsonSerde.envelope())
                .withTimestampExtractor(new EnvelopeEventTimeExtractor())
                .withName(name));
    }
}
