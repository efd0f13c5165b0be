package dev.telemetry.processor.topology;

import dev.telemetry.events.ActionEvent;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.FeedbackEvent;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.NetworkErrorEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.processor.stage.Detection;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import dev.telemetry.processor.stage.StateStoreKind;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology on a {@link TopologyTestDriver}: 1-minute windows, 10 s grace, wall clock checked
 * every second, state-store cache off. The wall clock starts at {@link #T0}, a window boundary, and only
 * moves when a test moves it.
 */
final class TopologyHarness implements AutoCloseable {

    static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration GRACE = Duration.ofSeconds(10);
    static final String APP = "shop";

    final CountingProcessorMetrics counters = new CountingProcessorMetrics();
    final TopologyTestDriver driver;
    final TestOutputTopic<String, Summary> summaries;
    final TestOutputTopic<String, AlertEvent> alerts;
    final TestOutputTopic<String, SloReport> slo;
    final TestOutputTopic<String, dev.telemetry.events.derived.AuditRecord> audit;
    private final TestInputTopic<String, Envelope> feedbackTopic;
    private final TopicCatalogue topics = TopicCatalogue.defaults();
    private final TestInputTopic<String, Envelope> metrics;
    private final TestInputTopic<String, Envelope> vitals;
    private final TestInputTopic<String, Envelope> actions;
    private final TestInputTopic<String, Envelope> requests;
    private final TestInputTopic<String, Envelope> synthetic;
    private final TestInputTopic<String, Envelope> errors;
    final TestInputTopic<String, Envelope> security;
    final TestOutputTopic<String, RateLimitCount> ratelimit;
    final TestOutputTopic<String, Envelope> findings;
    private Instant wallClock;
    private final StateStoreKind stateStores;
    /** How far the input counts as read ({@link ReadProgress}): all of it unless a test says otherwise. */
    private volatile long inputReadUpTo = Long.MAX_VALUE;
    /** Input topics whose partition counts as not fetched to its end (ReadProgress#streamTimeBound). */
    private volatile Set<Topic> notFetchedToEnd = Set.of();
    /** How many tasks the input counts as spread over ({@link ReadProgress#tasks()}); the driver runs one. */
    private volatile int tasks = 1;

    TopologyHarness(Path stateDir, List<AlertRule> rules) {
        this(stateDir, rules, T0);
    }

    TopologyHarness(Path stateDir, List<AlertRule> rules, Instant wallClock) {
        this(stateDir, rules, wallClock, Detection.defaults());
    }

    TopologyHarness(Path stateDir, List<AlertRule> rules, Instant wallClock, Detection detection) {
        this(stateDir, rules, wallClock, detection, List.of());
    }

    /** What the topology's stores are built on in this run. */
    StateStoreKind stateStores() {
        return stateStores;
    }

    /** The topology with these SLOs and no alert rules; the wall clock starts at {@link #T0}. */
    static TopologyHarness withSlos(Path stateDir, List<Slo> slos) {
        return new TopologyHarness(stateDir, List.of(), T0, Detection.defaults(), slos);
    }

    TopologyHarness(Path stateDir, List<AlertRule> rules, Instant wallClock, Detection detection, List<Slo> slos) {
        TopicCatalogue topics = TopicCatalogue.defaults();
        // -Dtopology.state-stores=IN_MEMORY runs these tests on the stores the rule lab uses: the same results.
        ProcessorSettings settings = new ProcessorSettings(topics, WINDOW, GRACE, Duration.ofSeconds(1), rules, detection,
                slos, StateStoreKind.valueOf(System.getProperty("topology.state-stores", "PERSISTENT")));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // As in production (StreamProcessor.streamsProperties): poison records are skipped and copied to the DLQ.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                org.apache.kafka.streams.errors.LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.name(Topic.PROCESSOR_DLQ));
        this.wallClock = wallClock;
        this.stateStores = settings.stateStores();
        ReadProgress progress = new ReadProgress() {
            @Override
            public long readUpTo(org.apache.kafka.streams.processor.TaskId task) {
                return inputReadUpTo;
            }

            @Override
            public int tasks() {
                return tasks;
            }

            @Override
            public long streamTimeBound(org.apache.kafka.streams.processor.TaskId task,
                                        java.util.function.ToLongFunction<org.apache.kafka.common.TopicPartition> highestTime) {
                return notFetchedToEnd.stream()
                        .mapToLong(t -> highestTime.applyAsLong(new org.apache.kafka.common.TopicPartition(topics.name(t), 0)))
                        .min().orElse(Long.MAX_VALUE);
            }
        };
        driver = new TopologyTestDriver(TelemetryTopology.build(settings, counters, progress), props, wallClock);
        JsonSerde<Envelope> envelopes = JsonSerde.envelope();
        metrics = driver.createInputTopic(topics.name(Topic.METRICS), Serdes.String().serializer(), envelopes.serializer());
        vitals = driver.createInputTopic(topics.name(Topic.VITALS), Serdes.String().serializer(), envelopes.serializer());
        actions = driver.createInputTopic(topics.name(Topic.ACTIONS), Serdes.String().serializer(), envelopes.serializer());
        requests = driver.createInputTopic(topics.name(Topic.REQUESTS), Serdes.String().serializer(), envelopes.serializer());
        synthetic = driver.createInputTopic(topics.name(Topic.SYNTHETIC), Serdes.String().serializer(), envelopes.serializer());
        errors = driver.createInputTopic(topics.name(Topic.ERRORS), Serdes.String().serializer(), envelopes.serializer());
        security = driver.createInputTopic(topics.name(Topic.SECURITY), Serdes.String().serializer(), envelopes.serializer());
        ratelimit = driver.createOutputTopic(topics.name(Topic.RATELIMIT), Serdes.String().deserializer(),
                JsonSerde.rateLimitCount().deserializer());
        findings = driver.createOutputTopic(topics.name(Topic.SECURITY), Serdes.String().deserializer(),
                envelopes.deserializer());
        summaries = driver.createOutputTopic(topics.name(Topic.SUMMARIES), Serdes.String().deserializer(),
                JsonSerde.summary().deserializer());
        alerts = driver.createOutputTopic(topics.name(Topic.ALERTS), Serdes.String().deserializer(),
                JsonSerde.alert().deserializer());
        slo = driver.createOutputTopic(topics.name(Topic.SLO), Serdes.String().deserializer(),
                JsonSerde.sloReport().deserializer());
        audit = driver.createOutputTopic(topics.name(Topic.AUDIT), Serdes.String().deserializer(),
                JsonSerde.audit().deserializer());
        feedbackTopic = driver.createInputTopic(topics.name(Topic.FEEDBACK), Serdes.String().serializer(),
                envelopes.serializer());
    }

    /** Feedback on its own topic, as the gateway writes it. */
    void feedbackOnItsTopic(Instant at) {
        pipe(feedbackTopic, envelope(APP, new FeedbackEvent("Ann", "ann@example.com", "nice", at.toEpochMilli()), at), at);
    }

    /** Bytes that are not an envelope, on {@code topic}, with Kafka record time {@code at}. */
    void poison(Topic topic, String key, String value, Instant at) {
        driver.createInputTopic(topics.name(topic), Serdes.String().serializer(), Serdes.String().serializer())
                .pipeInput(key, value, at);
    }

    /**
     * The summary without its sketch-based fields (percentiles, ratings), for exact comparisons of the
     * exact statistics; percentiles and ratings have tests of their own.
     */
    static Summary exact(Summary s) {
        return new Summary(s.schemaVersion(), s.app(), s.metric(), s.series(), s.labels(), s.windowStart(),
                s.windowEnd(), s.count(), s.sum(), s.min(), s.max(), s.mean());
    }

    /** The summaries emitted since the last read, in order, with every field. */
    List<Summary> summaries() {
        return summaries.readValuesToList();
    }

    /** The summaries emitted so far, in order, {@linkplain #exact without sketch-based fields}. */
    List<Summary> exactSummaries() {
        return summaries.readValuesToList().stream().map(TopologyHarness::exact).toList();
    }

    /** The summaries emitted so far by key, {@linkplain #exact without sketch-based fields}. */
    Map<String, Summary> exactSummariesByKey() {
        Map<String, Summary> byKey = new java.util.LinkedHashMap<>();
        summaries.readKeyValuesToList().forEach(kv -> byKey.put(kv.key, exact(kv.value)));
        return byKey;
    }

    static Instant at(Duration sinceT0) {
        return T0.plus(sinceT0);
    }

    static Instant at(long secondsSinceT0) {
        return T0.plusSeconds(secondsSinceT0);
    }

    void metric(String name, double value, Instant at) {
        metric(APP, name, Map.of(), value, at);
    }

    void metric(String app, String name, Map<String, String> tags, double value, Instant at) {
        pipe(metrics, envelope(app, new MetricEvent(name, value, at.toEpochMilli(), tags), at), at);
    }

    void vital(String name, double value, String page, String url, Instant at) {
        VitalEvent vital = new VitalEvent(name, value, "v1-" + UUID.randomUUID(), "navigate", null, null, page, url,
                at.toEpochMilli());
        pipe(vitals, envelope(APP, vital, at), at);
    }

    /** A vital as a client sent it, at its own time, for the app {@link #APP}. */
    void vital(VitalEvent vital, Instant at) {
        pipe(vitals, envelope(APP, vital, at), at);
    }

    void action(String action, double duration, Instant at) {
        pipe(actions, envelope(APP, new ActionEvent(action, duration, null, at.toEpochMilli()), at), at);
    }

    void request(String ip, String endpoint, int status, double durationMs, String query, Instant at) {
        request(APP, ip, endpoint, status, durationMs, query, at);
    }

    void request(String app, String ip, String endpoint, int status, double durationMs, String query, Instant at) {
        pipe(requests, envelope(app, new RequestEvent(ip, "GET", endpoint, status, durationMs, "agent", null, query,
                at.toEpochMilli()), at), at);
    }

    void ratedVital(String name, double value, String rating, String page, Instant at) {
        VitalEvent vital = new VitalEvent(name, value, "v1-" + UUID.randomUUID(), "navigate", rating, null, page, null,
                at.toEpochMilli());
        pipe(vitals, envelope(APP, vital, at), at);
    }

    void synthetic(String check, boolean success, Double durationMs, Instant at) {
        pipe(synthetic, envelope(APP, new SyntheticEvent(check, success, success ? null : "timeout", durationMs,
                at.toEpochMilli()), at), at);
    }

    void error(String type, String message, String stack, Instant at) {
        pipe(errors, envelope(APP, new ErrorEvent(message, type, stack, null, null, "error", null, at.toEpochMilli()), at), at);
    }

    /** A network error as the gateway stores it: the event, plus its Server Error event when the status is ≥ 500. */
    void networkError(String method, String url, int status, Instant at) {
        NetworkErrorEvent network = new NetworkErrorEvent(url, status, method, 120, at.toEpochMilli());
        pipe(errors, envelope(APP, network, at), at);
        if (network.isServerError()) {
            pipe(errors, envelope(APP, network.asServerError(), at), at);
        }
    }

    void securityEvent(String event, com.fasterxml.jackson.databind.JsonNode data, String severity, Instant at) {
        pipe(security, envelope(APP, new SecurityEvent(event, data, at.toEpochMilli(), severity), at), at);
    }

    /** Feedback, which feeds no series, on a topic the summaries read. */
    void feedback(Instant at) {
        pipe(metrics, envelope(APP, new FeedbackEvent("Ann", "ann@example.com", "nice", at.toEpochMilli()), at), at);
    }

    /** A metric whose Kafka record time differs from its event time. */
    void metricWithRecordTime(String name, double value, Instant eventTime, Instant recordTime) {
        pipe(metrics, envelope(APP, new MetricEvent(name, value, eventTime.toEpochMilli(), Map.of()), eventTime), recordTime);
    }

    /** The input counts as read up to {@code at} (e.g. the broker stopped answering then), or not at all ({@code null}). */
    void inputReadUpTo(Instant at) {
        inputReadUpTo = at == null ? ReadProgress.UNKNOWN : at.toEpochMilli();
    }

    /** These topics' partitions count as still being fetched (records on the broker not read yet); none by default. */
    void notFetchedToEnd(Topic... topics) {
        notFetchedToEnd = Set.of(topics);
    }

    /** The input counts as spread over {@code n} tasks, as {@link ReadProgress#tasks()} would say of n partitions. */
    void tasks(int n) {
        tasks = n;
    }

    /** Moves the wall clock forward to {@code at}, firing the close check if one is due. */

    void wallClockTo(Instant at) {
        driver.advanceWallClockTime(Duration.between(wallClock, at));
        wallClock = at;
    }

    /** A request's envelope as the harness pipes it, for tests that need the raw event itself (the SLO backfill). */
    static Envelope requestEnvelope(String app, String endpoint, int status, Instant at) {
        return envelope(app, new RequestEvent("198.51.100.1", "GET", endpoint, status, 10, "agent", null, null,
                at.toEpochMilli()), at);
    }

    void request(Envelope envelope) {
        pipe(requests, envelope, envelope.eventTime());
    }

    /** Sends a record into the SLO repartition topic, as {@code ./telemetry slo backfill} does. */
    void sloRepartition(String key, dev.telemetry.processor.slo.SloCount count) {
        driver.createInputTopic(dev.telemetry.processor.slo.SloBackfill.repartitionTopic("topology-test"),
                        Serdes.String().serializer(), dev.telemetry.processor.slo.SloCount.serde().serializer())
                .pipeInput(key, count, wallClock);
    }

    private static Envelope envelope(String app, TelemetryEvent event, Instant eventTime) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, eventTime, eventTime,
                "203.0.113.9", "test-agent", event);
    }

    private static void pipe(TestInputTopic<String, Envelope> topic, Envelope envelope, Instant recordTime) {
        topic.pipeInput(envelope.key(), envelope, recordTime);
    }

    @Override
    public void close() {
        driver.close();
    }
}
