package dev.telemetry.processor.topology;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.audit.Fate;
import dev.telemetry.processor.erroralerts.ErrorAlertsProcessor;
import dev.telemetry.processor.intake.DeadLetterProcessor;
import dev.telemetry.processor.intake.Decoded;
import dev.telemetry.processor.intake.DecodedSerde;
import dev.telemetry.processor.intake.PoisonApp;
import dev.telemetry.processor.evaluation.AlertRuleProcessor;
import dev.telemetry.processor.injection.RequestInjectionProcessor;
import dev.telemetry.processor.injection.SecurityEventsProcessor;
import dev.telemetry.processor.offenders.VitalOffendersProcessor;
import dev.telemetry.processor.ratelimit.RateLimitProcessor;
import dev.telemetry.processor.rollup.EventRollupProcessor;
import dev.telemetry.processor.slo.SloCount;
import dev.telemetry.processor.slo.SloObservations;
import dev.telemetry.processor.slo.SloProcessor;
import dev.telemetry.processor.stage.CardinalityCaps;
import dev.telemetry.processor.stage.DetectorOutput;
import dev.telemetry.processor.stage.Offense;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import dev.telemetry.processor.vitals.CoreWebVitals;
import dev.telemetry.processor.window.CardinalityAlertsProcessor;
import dev.telemetry.processor.window.RecordObservations;
import dev.telemetry.processor.window.SeriesObservation;
import dev.telemetry.processor.window.SeriesObservationSerde;
import dev.telemetry.processor.window.SeriesObservations;
import dev.telemetry.processor.window.WindowClock;
import dev.telemetry.processor.window.WindowOutput;
import dev.telemetry.processor.window.WindowSummaryProcessor;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The stream processor's whole topology, built by one pure function that production and tests share.
 * Inputs (envelopes): {@code telemetry.metrics}, {@code .vitals}, {@code .actions}, {@code .requests},
 * {@code .synthetic}, {@code .errors}, {@code .security}; outputs: {@code telemetry.summaries} (one
 * {@link Summary} per series and closed window), {@code telemetry.alerts} (one {@link AlertEvent} per alert
 * state change, and event alerts), {@code telemetry.ratelimit} (requests per ip, endpoint and minute),
 * {@code telemetry.security} (the processor's findings) and {@code telemetry.slo} (per SLO, app and closed window: SLI, burn
 * rates, budget left) and {@code telemetry.vitals-attribution} (per app, page, vital and closed window: the elements
 * behind the poor vitals). Actual names come from the settings' topic catalogue.
 *
 * <pre>
 * metrics/vitals/actions/requests/synthetic/errors-source ─ series-observations ─ window-summaries ─┬─ (closed windows) ───────┐
 *                                                           (event → series)   [summary-windows,    │                         │
 *                                                                               summary-watermark,   │                         │
 *                                                                               summary-cardinality] │                         │
 *   (values the cardinality caps turned away) ═▶ series-overflow-by-app-repartition ═▶ series-overflow-summaries ─────────┤
 *                                                (internal topic, keyed by app)   │   [series-overflow-windows, -watermark] │
 *                                                                                 └─ cardinality-alerts [cardinality-alerts]
 *                                                                                    ─ cardinality-alerts-sink             │
 * requests-source ─ app-error-rate-by-app ═▶ requests-by-app-repartition ═▶ app-error-rate-observations                    │
 *                   (re-key: app)            (internal topic)                ─ app-error-rate-summaries ─ merge-app-error-rates, merge-overflow
 *                                                                              [app-error-rate-windows,                    │
 *                                                                               app-error-rate-watermark]                  ├─ summaries-sink
 *                                                                                                                          └─ alert-rules ─ alerts-sink
 *                                                                                                               [alert-states, recent-summaries]
 * vitals-source ─ vitals-by-page-observations ═▶ vitals-by-page-repartition ═▶ vitals-by-page-summaries ─ merge-vitals-by-page
 *                 (per page and form factor)    (internal topic, keyed app|page) [vitals-by-page-windows, -watermark,
 *                                                                                 -cardinality]; at close: cwv_assessment
 * requests-source ─ request-injection-checks ───────────────────────────────┐ merged, filtered by kind (*-kind):
 * requests-source ─ request-checks [ratelimit-counts, ratelimit-watermark] ─┤   findings-sink, ratelimit-sink,
 * security-source ─ security-events ────────────────────────────────────────┤   event-alerts-sink, and
 * errors-source ─ error-alerts [error-fingerprints] ────────────────────────┘   (items) ═▶ event-offenses-by-rule-repartition
 *       ═▶ event-rollups [event-rollups, event-rollup-subjects, event-rollups-watermark] ─ event-rollups-sink
 *          (internal topic, keyed by rule|app: one rollup alert per rule, app and window)
 * metrics/vitals/requests/synthetic ─ slo-counts ═▶ slo-counts-by-slo-repartition ═▶ slo-windows ─┬─ slo-sink (telemetry.slo)
 *                                     (event → SLO counts) (internal topic, keyed slo|app)          └─ slo-alerts-sink
 *                                                          [slo-window-counts, slo-series,    (telemetry.alerts)
 *                                                           slo-watermark]
 * metrics/vitals/actions/requests/synthetic/errors-source ─ vital-offenders ─ vital-offenders-sink (telemetry.vitals-attribution)
 *                     (poor LCP/INP/CLS with a target;  [vital-offenders-windows, vital-offenders-watermark]
 *                      the other events move its clock as they move the summaries')
 * </pre>
 * Where each stage lives: {@code window/} the window engine (series observations, cardinality caps, window
 * summaries, cardinality alerts), {@code rules/} alert rules, {@code ratelimit/} the rate limit (node
 * {@code request-checks}), {@code injection/} injection checks on requests and reported security events,
 * {@code erroralerts/} alerts on errors, {@code rollup/} the event-alert rollup, {@code slo/} SLOs (error budgets,
 * burn rates, burn-rate alerts). This package keeps the wiring, the names and the settings.
 * Every processor and store is named, so internal topic names (changelogs) stay stable across versions.
 * One repartition: the raw topics are keyed by app and series, and every series derived here refines that key,
 * except the app's {@code error_rate} over all its endpoints. Its values go through the repartition topic
 * {@code <application.id>-requests-by-app-repartition}, keyed by app, written and read inside the same
 * exactly-once transactions as everything else, into a second instance of the window aggregation with stores
 * of its own. Its windows close only by the wall clock, as far as every task writing to the repartition topic and
 * the repartition topic itself have been read: its records come from several tasks, each as far along as it
 * happens to be, so their event times say nothing about what is still to come. The second repartition carries only
 * the values the {@linkplain CardinalityCaps cardinality caps} turned away, keyed by app, so that each app has one
 * overflow series per window (and one {@code cardinality_limit} alert) however many tasks turned values away; its
 * windows close the same way. The third carries the detectors' offending items (an IP over the rate limit, an
 * injection attempt, a new error fingerprint), keyed by rule and app, to the rollup that turns them into one alert
 * per rule, app and window; its windows close the same way too. The fourth carries what each event adds to each
 * SLO it counts towards, keyed by SLO and app, to the SLO windows ({@code telemetry.slo} and {@code slo_burn_rate}
 * alerts); its windows close the same way.
 */
public final class TelemetryTopology {

    /** Name of the repartition topic, {@code <application.id>-requests-by-app-repartition}, and its processors. */
    static final String REQUESTS_BY_APP = "requests-by-app";
    static final String APP_ERROR_RATE_BY_APP = "app-error-rate-by-app";
    static final String APP_ERROR_RATE_OBSERVATIONS = "app-error-rate-observations";
    static final String APP_ERROR_RATE_SUMMARIES = "app-error-rate-summaries";
    static final WindowSummaryProcessor.StoreNames APP_ERROR_RATE_STORES =
            WindowSummaryProcessor.StoreNames.prefixed("app-error-rate");
    static final String WINDOW_SUMMARIES = "window-summaries";
    /** Name of the repartition topic of overflowed observations, {@code <application.id>-series-overflow-by-app-repartition}. */
    static final String OVERFLOW_BY_APP = "series-overflow-by-app";
    static final String OVERFLOW_SUMMARIES = "series-overflow-summaries";
    static final WindowSummaryProcessor.StoreNames OVERFLOW_STORES = WindowSummaryProcessor.StoreNames.prefixed("series-overflow");
    static final String CARDINALITY_ALERTS = "cardinality-alerts";
    /**
     * Name of the repartition topic of vitals per page and form factor, {@code <application.id>-vitals-by-page-repartition},
     * keyed by app|page, so that a page's LCP, INP and CLS meet for its Core Web Vitals assessment.
     */
    static final String VITALS_BY_PAGE = "vitals-by-page";
    static final String VITALS_BY_PAGE_SUMMARIES = "vitals-by-page-summaries";
    static final WindowSummaryProcessor.StoreNames VITALS_BY_PAGE_STORES =
            WindowSummaryProcessor.StoreNames.prefixed("vitals-by-page");
    static final String REQUEST_CHECKS = "request-checks";
    static final String SECURITY_EVENTS = "security-events";
    static final String ERROR_ALERTS = "error-alerts";
    static final String REQUEST_INJECTION_CHECKS = "request-injection-checks";
    static final String EVENT_ROLLUPS = "event-rollups";
    static final String SLO_COUNTS = "slo-counts";
    /** Name of the repartition topic of SLO counts, {@code <application.id>-slo-counts-by-slo-repartition}. */
    static final String SLO_COUNTS_BY_SLO = "slo-counts-by-slo";
    static final String SLO_WINDOWS = "slo-windows";
    static final String VITAL_OFFENDERS = "vital-offenders";

    private TelemetryTopology() {
    }

    /** The topology as {@code TopologyTestDriver} runs it: every record is processed as it is piped in. */
    public static Topology build(ProcessorSettings settings, ProcessorMetrics metrics) {
        return build(settings, metrics, ReadProgress.alwaysCaughtUp());
    }

    /**
     * The topology whose windows the wall clock closes only as far as {@code progress} says the input was read
     * (see {@link WindowClock}).
     */
    public static Topology build(ProcessorSettings settings, ProcessorMetrics metrics, ReadProgress progress) {
        return build(settings, metrics, progress, null);
    }

    /**
     * As {@link #build(ProcessorSettings, ProcessorMetrics, ReadProgress)}, the raw topics' sources asking
     * {@code predecoded} first for values decoded already (the rule lab's replay: see
     * {@link DecodedSerde.Predecoded}); null: none, every record decoded by the topology, as live.
     */
    public static Topology build(ProcessorSettings settings, ProcessorMetrics metrics, ReadProgress progress,
                                 DecodedSerde.Predecoded predecoded) {
        TopicCatalogue topics = settings.topics();
        StreamsBuilder builder = new StreamsBuilder();

        Intake intake = new Intake(builder, topics, predecoded);
        KStream<String, Envelope> requests = intake.read(Topic.REQUESTS, "requests-source");
        KStream<String, Envelope> errors = intake.read(Topic.ERRORS, "errors-source");
        KStream<String, Envelope> securityEvents = intake.read(Topic.SECURITY, "security-source");
        KStream<String, Envelope> vitals = intake.read(Topic.VITALS, "vitals-source");
        KStream<String, Envelope> events = intake.read(Topic.METRICS, "metrics-source")
                .merge(vitals, Named.as("merge-vitals"))
                .merge(intake.read(Topic.ACTIONS, "actions-source"), Named.as("merge-actions"))
                .merge(requests, Named.as("merge-requests"))
                .merge(intake.read(Topic.SYNTHETIC, "synthetic-source"), Named.as("merge-synthetic"))
                .merge(errors, Named.as("merge-errors"));
        // Read only to be accounted for: feedback feeds nothing here, by design.
        KStream<String, Envelope> feedback = intake.read(Topic.FEEDBACK, "feedback-source");

        // Every raw record reaches the main aggregation once, as one RecordObservations, so that it can count what
        // became of each (the audit): an event's series values; feedback and reported security events as not
        // summarised; poison records as dead-lettered (and copied to the dead-letter topic).
        SeriesObservations series = new SeriesObservations(settings.detection());
        KStream<String, RecordObservations> observations = events.mapValues(envelope -> {
            List<SeriesObservation> found = series.of(envelope);
            if (found.isEmpty()) {
                metrics.recordIgnored(envelope.type());
            }
            return RecordObservations.of(envelope.app(), found);
        }, Named.as("series-observations"))
                .merge(feedback.merge(securityEvents, Named.as("merge-unsummarised"))
                        .mapValues(envelope -> RecordObservations.decided(envelope.app(), Fate.NOT_SUMMARISED),
                                Named.as("unsummarised-observations")), Named.as("merge-unsummarised-observations"))
                .merge(intake.deadLettered(topics), Named.as("merge-dead-lettered-observations"));

        // The cardinality caps turn series away per task; what they turn away meets per app in one task, through a
        // repartition topic, so each app has one overflow series per window and one cardinality_limit alert.
        Map<String, KStream<String, WindowOutput>> windowed = split(observations.process(
                WindowSummaryProcessor.supplier(settings, metrics, progress), Named.as(WINDOW_SUMMARIES)), WINDOW_SUMMARIES);
        KStream<String, Summary> seriesSummaries = windowed.get("closed-windows")
                .mapValues(WindowOutput::summary, Named.as("window-summaries-closed"));
        windowed.get("audit").mapValues(WindowOutput::audit, Named.as("window-summaries-audited"))
                .to(topics.name(Topic.AUDIT), Produced.with(Serdes.String(), JsonSerde.audit()).withName("audit-sink"));
        KStream<String, SeriesObservation> overflow = windowed.get("overflow")
                .mapValues(WindowOutput::overflow, Named.as("window-summaries-overflowed"))
                .repartition(Repartitioned.<String, SeriesObservation>as(OVERFLOW_BY_APP)
                        .withKeySerde(Serdes.String()).withValueSerde(SeriesObservationSerde.serde()));
        KStream<String, Summary> overflowSummaries = summariesOnly(overflow
                .mapValues(observation -> RecordObservations.of(observation), Named.as(OVERFLOW_SUMMARIES + "-input")).process(
                WindowSummaryProcessor.supplier(settings, metrics, OVERFLOW_STORES,
                        WindowSummaryProcessor.Input.MERGED_FROM_TASKS, progress, null),
                Named.as(OVERFLOW_SUMMARIES)), OVERFLOW_SUMMARIES);
        overflow.process(CardinalityAlertsProcessor.supplier(settings), Named.as(CARDINALITY_ALERTS))
                .to(topics.name(Topic.ALERTS), Produced.with(Serdes.String(), JsonSerde.alert())
                        .withName("cardinality-alerts-sink"));

        // The app's error_rate spans its endpoints, which the raw topic spreads over partitions (key app|endpoint):
        // re-keyed by app and sent through a repartition topic, all of an app's requests meet in one task.
        KStream<String, Summary> appErrorRates = summariesOnly(requests
                .flatMap((key, envelope) -> {
                    Double value = SeriesObservations.appErrorRate(envelope);
                    return value == null ? List.<KeyValue<String, Double>>of() : List.of(KeyValue.pair(envelope.app(), value));
                }, Named.as(APP_ERROR_RATE_BY_APP))
                .repartition(Repartitioned.<String, Double>as(REQUESTS_BY_APP)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.Double()))
                .mapValues((app, value) -> RecordObservations.of(SeriesObservations.appErrorRate(app, value)),
                        Named.as(APP_ERROR_RATE_OBSERVATIONS))
                .process(WindowSummaryProcessor.supplier(settings, metrics, APP_ERROR_RATE_STORES,
                                WindowSummaryProcessor.Input.MERGED_FROM_TASKS, progress, null),
                        Named.as(APP_ERROR_RATE_SUMMARIES)), APP_ERROR_RATE_SUMMARIES);

        // Per page and form factor, a page's vitals (spread over partitions by the raw key app|vital) meet in one task,
        // through a repartition topic keyed by app|page: its windows' LCP, INP and CLS give the Core Web Vitals
        // assessment. Under the cardinality caps of their own; what they turn away is counted and dropped (the
        // per-page series still have every value).
        KStream<String, Summary> byFormFactor = vitals
                .flatMap((key, envelope) -> {
                    SeriesObservation observation = SeriesObservations.byFormFactor(envelope);
                    return observation == null ? List.<KeyValue<String, SeriesObservation>>of()
                            : List.of(KeyValue.pair(observation.app() + "|" + observation.labels().get("page"), observation));
                }, Named.as(VITALS_BY_PAGE + "-observations"))
                .repartition(Repartitioned.<String, SeriesObservation>as(VITALS_BY_PAGE)
                        .withKeySerde(Serdes.String()).withValueSerde(SeriesObservationSerde.serde()))
                .mapValues(observation -> RecordObservations.of(observation), Named.as(VITALS_BY_PAGE_SUMMARIES + "-input"))
                .process(WindowSummaryProcessor.supplier(settings, metrics, VITALS_BY_PAGE_STORES,
                                WindowSummaryProcessor.Input.MERGED_FROM_TASKS, progress,
                                settings.detection().cardinality(), CoreWebVitals::assess),
                        Named.as(VITALS_BY_PAGE_SUMMARIES))
                .filter((key, output) -> output.isSummary(), Named.as(VITALS_BY_PAGE_SUMMARIES + "-admitted"))
                .mapValues(WindowOutput::summary, Named.as(VITALS_BY_PAGE_SUMMARIES + "-closed"));

        KStream<String, Summary> summaries = seriesSummaries.merge(appErrorRates, Named.as("merge-app-error-rates"))
                .merge(overflowSummaries, Named.as("merge-overflow"))
                .merge(byFormFactor, Named.as("merge-" + VITALS_BY_PAGE));
        summaries.to(topics.name(Topic.SUMMARIES),
                Produced.with(Serdes.String(), JsonSerde.summary()).withName("summaries-sink"));

        summaries.process(AlertRuleProcessor.supplier(settings, metrics), Named.as("alert-rules"))
                .to(topics.name(Topic.ALERTS), Produced.with(Serdes.String(), JsonSerde.alert()).withName("alerts-sink"));

        // The detectors share sinks by kind of output (DetectorOutput): their outputs are merged and split by kind.
        // The injection checks are added before the rate limit so that, as when both were one processor, a
        // request's injection findings come before its rate-limit finding on the topic.
        KStream<String, DetectorOutput> detected = requests
                .process(() -> new RequestInjectionProcessor(settings, metrics), Named.as(REQUEST_INJECTION_CHECKS))
                .merge(requests.process(RateLimitProcessor.supplier(settings, metrics, progress), Named.as(REQUEST_CHECKS)),
                        Named.as("merge-" + REQUEST_CHECKS))
                .merge(securityEvents.process(() -> new SecurityEventsProcessor(settings, metrics),
                        Named.as(SECURITY_EVENTS)), Named.as("merge-" + SECURITY_EVENTS))
                .merge(errors.process(ErrorAlertsProcessor.supplier(settings, metrics, progress), Named.as(ERROR_ALERTS)),
                        Named.as("merge-" + ERROR_ALERTS));
        sendDetected(detected, DetectorOutput.FINDINGS_SINK, topics.name(Topic.SECURITY), DetectorOutput.findings());
        sendDetected(detected, DetectorOutput.RATELIMIT_SINK, topics.name(Topic.RATELIMIT),
                DetectorOutput.rateLimitCounts());
        sendDetected(detected, DetectorOutput.EVENT_ALERTS_SINK, topics.name(Topic.ALERTS), DetectorOutput.alerts());
        // Items of one rule and app meet in one task, whatever partitions their requests or errors came from.
        detectedTo(detected, DetectorOutput.OFFENSES_REPARTITION)
                .mapValues(output -> ((DetectorOutput.Offended) output).offense(),
                        Named.as(DetectorOutput.OFFENSES_REPARTITION + "-items"))
                .repartition(Repartitioned.<String, Offense>as(DetectorOutput.OFFENSES_REPARTITION)
                        .withKeySerde(Serdes.String()).withValueSerde(EventRollupProcessor.offenseSerde()))
                .process(EventRollupProcessor.supplier(settings, metrics, progress), Named.as(EVENT_ROLLUPS))
                .to(topics.name(Topic.ALERTS), Produced.with(Serdes.String(), JsonSerde.alert())
                        .withName("event-rollups-sink"));

        // An SLO's events come from several raw partitions (a ratio's two metrics, availability over every
        // endpoint), so its counts meet per SLO and app in one task, through a repartition topic. Wired whether or
        // not SLOs are configured, so that adding the first one does not change the topology's shape.
        SloObservations slos = new SloObservations(settings.slos());
        KStream<String, DetectorOutput> sloOutputs = events
                .flatMap((key, envelope) -> slos.of(envelope), Named.as(SLO_COUNTS))
                .repartition(Repartitioned.<String, SloCount>as(SLO_COUNTS_BY_SLO)
                        .withKeySerde(Serdes.String()).withValueSerde(SloCount.serde()))
                .process(SloProcessor.supplier(settings, metrics, progress), Named.as(SLO_WINDOWS));
        send(sloOutputs, DetectorOutput.SLO_SINK, SLO_WINDOWS + "-reports", DetectorOutput.SLO_SINK,
                topics.name(Topic.SLO), DetectorOutput.sloReports());
        send(sloOutputs, DetectorOutput.EVENT_ALERTS_SINK, SLO_WINDOWS + "-alerts", "slo-alerts-sink",
                topics.name(Topic.ALERTS), DetectorOutput.alerts());

        // The elements behind poor vitals, per app, page, vital and window. No repartition: the vitals topic is keyed
        // app|vital name. It reads the vitals only: every other event would cost it a processor hop for nothing
        // but its clock (~8 % of the metric path), so its stream time is the vitals' own.
        vitals.process(VitalOffendersProcessor.supplier(settings, progress), Named.as(VITAL_OFFENDERS))
                .to(topics.name(Topic.VITALS_ATTRIBUTION), Produced.with(Serdes.String(), JsonSerde.vitalOffenders())
                        .withName(VITAL_OFFENDERS + "-sink"));
        return builder.build();
    }

    /**
     * The outputs of one kind ({@link DetectorOutput#sink()} equal to {@code kind}) to {@code topic}, through a
     * filter named {@code filter} and a sink named {@code sink}.
     */
    private static void send(KStream<String, DetectorOutput> outputs, String kind, String filter, String sink,
                             String topic, Serializer<DetectorOutput> serializer) {
        // The sink only writes: the deserializer of its serde is never asked for.
        Serde<DetectorOutput> serde = Serdes.serdeFrom(serializer, (t, bytes) -> {
            throw new UnsupportedOperationException("the processor does not read its detectors' outputs back as such");
        });
        outputs.filter((key, output) -> output != null && output.sink().equals(kind), Named.as(filter))
                .to(topic, Produced.with(Serdes.String(), serde).withName(sink));
    }

    /** The detectors' outputs of one kind to their sink, named {@code sink}, on {@code topic}. */
    private static void sendDetected(KStream<String, DetectorOutput> detected, String sink, String topic,
                                     Serializer<DetectorOutput> serializer) {
        send(detected, sink, sink + "-kind", sink, topic, serializer);
    }

    /** The detectors' outputs that go to {@code sink} (each kind names its own, see {@link DetectorOutput#sink()}). */
    private static KStream<String, DetectorOutput> detectedTo(KStream<String, DetectorOutput> detected, String sink) {
        return detected.filter((key, output) -> output != null && output.sink().equals(sink), Named.as(sink + "-kind"));
    }

    /** {@code outputs} split into summaries ({@code closed-windows}), audit records and overflowed observations. */
    private static Map<String, KStream<String, WindowOutput>> split(KStream<String, WindowOutput> outputs, String name) {
        Map<String, KStream<String, WindowOutput>> branches = outputs.split(Named.as(name + "-"))
                .branch((key, output) -> output.isSummary(), Branched.as("closed-windows"))
                .branch((key, output) -> output.isAudit(), Branched.as("audit"))
                .defaultBranch(Branched.as("overflow"));
        return Map.of("closed-windows", branches.get(name + "-closed-windows"), "audit", branches.get(name + "-audit"),
                "overflow", branches.get(name + "-overflow"));
    }

    /** The summaries of a window processor without caps, which forwards nothing else. */
    private static KStream<String, Summary> summariesOnly(KStream<String, WindowOutput> outputs, String name) {
        return outputs.mapValues(WindowOutput::summary, Named.as(name + "-closed"));
    }

    /**
     * The raw topics as the stages read them: each source's envelopes, its poison records set aside. Reading never
     * fails ({@link DecodedSerde}), so poison records reach the topology, which copies them to the dead-letter topic
     * and has the audit count them.
     */
    private static final class Intake {

        private final StreamsBuilder builder;
        private final TopicCatalogue topics;
        private final DecodedSerde.Predecoded predecoded;
        private KStream<String, Decoded> poison;

        Intake(StreamsBuilder builder, TopicCatalogue topics, DecodedSerde.Predecoded predecoded) {
            this.builder = builder;
            this.topics = topics;
            this.predecoded = predecoded;
        }

        KStream<String, Envelope> read(Topic topic, String name) {
            Map<String, KStream<String, Decoded>> read = builder.stream(topics.name(topic),
                            Consumed.with(Serdes.String(), new DecodedSerde(predecoded))
                                    .withTimestampExtractor(new EnvelopeEventTimeExtractor())
                                    .withName(name))
                    .split(Named.as(name + "-"))
                    .branch((key, decoded) -> decoded.isPoison(), Branched.as("poison"))
                    .defaultBranch(Branched.as("envelopes"));
            KStream<String, Decoded> poisoned = read.get(name + "-poison");
            poison = poison == null ? poisoned : poison.merge(poisoned, Named.as("merge-" + name + "-poison"));
            return read.get(name + "-envelopes").mapValues(Decoded::envelope, Named.as(name + "-read"));
        }

        /**
         * The poison records of every source read so far: copied to the dead-letter topic as they were, and returned
         * as the audit's dead-lettered records (under the app their key names, {@code app|series} as the gateway
         * writes it).
         */
        KStream<String, RecordObservations> deadLettered(TopicCatalogue topics) {
            poison.process(DeadLetterProcessor::new, Named.as("dead-letters"))
                    .to(topics.name(Topic.PROCESSOR_DLQ), Produced.with(Serdes.String(), Serdes.ByteArray())
                            .withName("dead-letters-sink"));
            return poison.mapValues((key, decoded) -> RecordObservations.decided(PoisonApp.of(key), Fate.DEAD_LETTERED),
                    Named.as("dead-lettered-observations"));
        }
    }
}
