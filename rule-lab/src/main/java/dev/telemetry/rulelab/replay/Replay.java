package dev.telemetry.rulelab.replay;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.evaluation.AlertRuleProcessor;
import dev.telemetry.processor.intake.Decoded;
import dev.telemetry.processor.intake.DecodedSerde;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.rules.AlertState;
import dev.telemetry.processor.slo.BurnRateAlerts;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import dev.telemetry.processor.stage.StateStoreKind;
import dev.telemetry.processor.topology.TelemetryTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A throw-away run of the production topology ({@link TelemetryTopology#build}) on Kafka's
 * {@link TopologyTestDriver}: raw envelopes go in, in the order they would have reached the processor, and the
 * wall clock moves with them, so windows close and the alert state machine ({@code for}, {@code keep_firing_for})
 * behaves as it does live. Nothing leaves the process: the topics are the driver's, the state stores are in-memory
 * ones ({@link StateStoreKind#IN_MEMORY}: the same processors, another store supplier), and the driver's state
 * directory is a temporary one that {@link #close()} deletes.
 *
 * <p>What it reports is what the processor wrote or holds: the alert records of the rules under test on
 * {@code telemetry.alerts} ({@link #drainTransitions()}, pending, firing and resolved, in order), and the alerts
 * pending or firing now ({@link #activeAlerts()}, read from the processor's own rule state, which also knows of a
 * pending alert that went inactive without a record). Event alerts (security, errors, rate limits, cardinality)
 * and SLO alerts go to the same topic and are not reported as rule transitions.
 *
 * <p>Not thread-safe: one thread drives a run.
 */
public final class Replay implements AutoCloseable {

    private static final String APPLICATION_ID = "rule-lab";
    /** How many envelopes may be sent between two {@link #drainOutputs()}. */
    private static final int OUTPUT_DRAIN_INTERVAL = 1024;

    private final LabSettings settings;
    private final LabMetrics metrics = new LabMetrics();
    private final Path stateDir;
    private final TopologyTestDriver driver;
    /** The raw topics the topology reads; records go in as bytes, as read from Kafka, and it decodes them itself. */
    private final Map<Topic, TestInputTopic<byte[], byte[]>> inputs = new EnumMap<>(Topic.class);
    private final Map<Topic, String> topicNames = new EnumMap<>(Topic.class);
    private final Serializer<Envelope> envelopes = JsonSerde.envelope().serializer();
    private final DriverAccess access;
    private final TestOutputTopic<String, AlertEvent> alerts;
    private final TestOutputTopic<String, Summary> summaries;
    private final Map<String, TestOutputTopic<byte[], byte[]>> otherOutputs = new HashMap<>();
    private final String alertsTopic;
    private final String summariesTopic;
    private final String deadLetterTopic;
    private long deadLetters;
    private Consumer<Summary> summaryListener;
    private Consumer<AlertEvent> sloAlertListener;
    /** Tests: every alert record (rule or not), and every record of the other outputs, as topic and value. */
    private Consumer<AlertEvent> alertListener = a -> { };
    private BiConsumer<String, byte[]> otherOutputListener = (t, v) -> { };
    private final KeyValueStore<String, AlertState> ruleStates;
    private final Set<String> ruleNames;
    /** The latest rule transition of each fingerprint that may still be active: its labels and annotations. */
    private final Map<String, AlertEvent> latest = new HashMap<>();
    private final List<AlertEvent> undrained = new ArrayList<>();
    private Instant now;
    private long events;
    /** The value being piped and what it decoded to, when decoded before ({@link #send(Topic, byte[], byte[], Decoded, Instant)}). */
    private final Hint hint = new Hint();

    /**
     * What the topology's sources ask before decoding ({@link DecodedSerde.Predecoded}): the value of the record
     * being piped, if it was decoded already, for that very array on that topic; nothing otherwise (then the
     * source decodes, as live). Set and cleared on the replaying thread around one record's pipe.
     */
    static final class Hint implements DecodedSerde.Predecoded {
        private String topic;
        private byte[] bytes;
        private Decoded decoded;

        @Override
        public Decoded lookup(String topic, byte[] bytes) {
            return bytes != null && bytes == this.bytes && this.topic.equals(topic) ? decoded : null;
        }

        void set(String topic, byte[] bytes, Decoded decoded) {
            this.topic = topic;
            this.bytes = bytes;
            this.decoded = decoded;
        }
    }

    /**
     * A run whose wall clock starts at {@code start}.
     *
     * @param start where the run's wall clock starts: best a window boundary, as a processor started at the
     *              beginning of history would see it
     */
    public Replay(LabSettings settings, Instant start) {
        this(settings, start, true);
    }

    /** @param fast whether to drive the driver past its per-record topic check and commit ({@link DriverAccess}) */
    Replay(LabSettings settings, Instant start, boolean fast) {
        this.settings = settings;
        this.now = start;
        this.ruleNames = settings.rules().stream().map(AlertRule::name).collect(Collectors.toUnmodifiableSet());
        try {
            this.stateDir = Files.createTempDirectory("rule-lab-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary state directory", e);
        }
        // The same processors as live on in-memory stores without changelogs: the driver commits after every record,
        // which costs a flush of every store, and nothing of a run needs to outlive it.
        ProcessorSettings processorSettings = settings.processorSettings().withStateStores(StateStoreKind.IN_MEMORY);
        TopicCatalogue topics = processorSettings.topics();
        Topology topology = TelemetryTopology.build(processorSettings, metrics, ReadProgress.alwaysCaughtUp(), hint);
        try {
            driver = new TopologyTestDriver(topology, properties(topics, stateDir), start);
        } catch (RuntimeException e) {
            deleteStateDir();
            throw e;
        }
        Set<String> sources = sourceTopics(topology);
        for (Topic topic : Topic.values()) {
            if (topic.kind() == Topic.Kind.RAW && sources.contains(topics.name(topic))) {
                inputs.put(topic, driver.createInputTopic(topics.name(topic), new ByteArraySerializer(),
                        new ByteArraySerializer()));
                topicNames.put(topic, topics.name(topic));
            }
        }
        alertsTopic = topics.name(Topic.ALERTS);
        summariesTopic = topics.name(Topic.SUMMARIES);
        deadLetterTopic = topics.name(Topic.PROCESSOR_DLQ);
        access = DriverAccess.of(driver, fast);
        alerts = driver.createOutputTopic(alertsTopic, Serdes.String().deserializer(), JsonSerde.alert().deserializer());
        summaries = driver.createOutputTopic(summariesTopic, Serdes.String().deserializer(),
                JsonSerde.summary().deserializer());
        ruleStates = driver.getKeyValueStore(AlertRuleProcessor.STATES_STORE);
    }

    /** As the processor runs (StreamProcessor.streamsProperties), less what a single in-memory task cannot use. */
    @SuppressWarnings("deprecation") // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, as the processor sets it
    private static Properties properties(TopicCatalogue topics, Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "rule-lab.invalid:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // Every record reaches the next processor at once, as with a commit after every record.
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // The driver processes each record as it is piped in, so there is never a partition to wait for; idling
        // enabled (the default 0) only makes every record's readiness check format log lines about the topology's
        // other (empty) input partitions, a third of a run's time.
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                org.apache.kafka.streams.errors.LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.name(Topic.PROCESSOR_DLQ));
        return props;
    }

    private static Set<String> sourceTopics(Topology topology) {
        Set<String> names = new HashSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Source source && source.topicSet() != null) {
                    names.addAll(source.topicSet());
                }
            }
        }
        return names;
    }

    public LabSettings settings() {
        return settings;
    }

    /** The run's wall clock. */
    public Instant now() {
        return now;
    }

    /**
     * Moves the wall clock forward to {@code at} (never back), running the processor's window-close checks that
     * are due, as its punctuators do live every {@code windows.close-check-interval}.
     */
    public void advanceTo(Instant at) {
        if (at.isAfter(now)) {
            access.advance(Duration.between(now, at));
            now = at;
        }
    }

    /** {@code envelope} as it reaches the processor when it is appended: at its {@code receivedAt}. */
    public void send(Envelope envelope) {
        send(envelope, envelope.receivedAt());
    }

    /**
     * {@code envelope} as it reaches the processor at {@code arrival}: the wall clock moves there first (if it
     * is later), then the record is processed, its Kafka timestamp being {@code arrival}. Envelopes of kinds the
     * processor does not read (feedback) are counted and skipped.
     */
    public void send(Envelope envelope, Instant arrival) {
        advanceTo(arrival);
        events++;
        Topic topic = envelope.type().topic();
        TestInputTopic<byte[], byte[]> input = inputs.get(topic);
        if (input == null) {
            metrics.recordIgnored(envelope.type());
            return;
        }
        String name = topicNames.get(topic);
        access.pipe(input, name, envelope.key().getBytes(StandardCharsets.UTF_8), envelopes.serialize(name, envelope),
                arrival);
        if (events % OUTPUT_DRAIN_INTERVAL == 0) {
            drainOutputs();
        }
    }

    /**
     * A record of the raw topic {@code topic} as read from Kafka, reaching the processor at {@code arrival} (its
     * append time): as {@link #send(Envelope, Instant)}, but the topology decodes the value itself, with its own
     * deserializer, as live (a record it cannot decode goes to the processor's dead-letter topic and is counted in
     * {@link #deadLetters()}). What a backtest reads from history goes in this way: decoding it here first and
     * encoding it again for the driver would cost two thirds of the JSON work.
     *
     * @param topic a raw topic the topology reads
     */
    public void send(Topic topic, byte[] key, byte[] value, Instant arrival) {
        send(topic, key, value, null, arrival);
    }

    /**
     * As {@link #send(Topic, byte[], byte[], Instant)}, {@code value} decoded already (on another thread) into
     * {@code decoded} by the topology's own function ({@link DecodedSerde#decode}, with the topic's name in
     * the settings' {@code processorSettings().topics()}): the topology's source takes it instead of decoding that value again. It is
     * taken only for this very array on this topic (a record the source reads otherwise is decoded by it, as
     * always), so the outputs are the same either way.
     *
     * @param decoded null: none, the topology decodes {@code value}
     */
    public void send(Topic topic, byte[] key, byte[] value, Decoded decoded, Instant arrival) {
        TestInputTopic<byte[], byte[]> input = inputs.get(topic);
        if (input == null) {
            throw new IllegalArgumentException(topic + " is not a topic the processor reads");
        }
        advanceTo(arrival);
        events++;
        String name = topicNames.get(topic);
        if (decoded == null) {
            access.pipe(input, name, key, value, arrival);
        } else {
            hint.set(name, value, decoded);
            try {
                access.pipe(input, name, key, value, arrival);
            } finally {
                hint.set(null, null, null);
            }
        }
        if (events % OUTPUT_DRAIN_INTERVAL == 0) {
            drainOutputs();
        }
    }

    /**
     * Hands every closed window's summary to {@code listener} from now on (a backtest's peaks); without one they
     * are dropped.
     */
    public void onSummary(Consumer<Summary> listener) {
        this.summaryListener = listener;
    }

    /**
     * Takes what the topology wrote out of the driver, which otherwise keeps every output record: the rule alert
     * records into {@link #drainTransitions()}'s queue, summaries to the {@linkplain #onSummary listener}, the rest
     * (findings, rate-limit counts, SLO reports, event alerts) dropped. Memory stays bounded over a long history.
     */
    public void drainOutputs() {
        pull();
        if (!summaries.isEmpty()) {
            List<Summary> closed = summaries.readValuesToList();
            if (summaryListener != null) {
                closed.forEach(summaryListener);
            }
        }
        for (String topic : driver.producedTopicNames()) {
            if (topic.equals(alertsTopic) || topic.equals(summariesTopic)) {
                continue;
            }
            TestOutputTopic<byte[], byte[]> output = otherOutputs.computeIfAbsent(topic, t -> driver.createOutputTopic(t,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            while (!output.isEmpty()) {
                otherOutputListener.accept(topic, output.readRecord().value());
                if (topic.equals(deadLetterTopic)) {
                    deadLetters++;
                }
            }
        }
    }

    /**
     * Hands every {@code slo_burn_rate} alert record (firing and resolved) of the settings' SLOs to {@code listener}
     * from now on, as it is written (a backtest's SLO alerts); without one they are dropped.
     */
    public void onSloAlert(Consumer<AlertEvent> listener) {
        this.sloAlertListener = listener;
    }

    /**
     * Records the topology could not decode or process so far, which it wrote to the processor's dead-letter
     * topic (and skipped, as live); complete after {@link #drainOutputs()}.
     */
    public long deadLetters() {
        return deadLetters;
    }

    /** Whether the driver is driven past its per-record topic check and commit ({@link DriverAccess}). */
    boolean fast() {
        return access.fast();
    }

    /** Tests: sees every alert record, and every record of the outputs other than alerts and summaries. */
    void onEveryOutput(Consumer<AlertEvent> alerts, BiConsumer<String, byte[]> others) {
        this.alertListener = alerts;
        this.otherOutputListener = others;
    }

    /** Envelopes sent so far. */
    public long events() {
        return events;
    }

    public LabMetrics metrics() {
        return metrics;
    }

    /** The rule alert records written since the last call, in order: pending, firing and resolved. */
    public List<AlertEvent> drainTransitions() {
        pull();
        List<AlertEvent> drained = List.copyOf(undrained);
        undrained.clear();
        return drained;
    }

    /**
     * The alerts of the rules under test that are pending or firing now, as the processor's rule state holds them,
     * ordered by rule, then labels.
     */
    public List<ActiveAlert> activeAlerts() {
        // Committed first: the in-memory stores stage their writes until the task commits.
        access.commit();
        pull();
        List<ActiveAlert> active = new ArrayList<>();
        Set<String> live = new HashSet<>();
        try (KeyValueIterator<String, AlertState> all = ruleStates.all()) {
            while (all.hasNext()) {
                KeyValue<String, AlertState> entry = all.next();
                live.add(entry.key);
                AlertEvent last = latest.get(entry.key);
                if (last == null) {
                    // Every state the rule processor keeps began with a record; none means a bug, not a quiet alert.
                    throw new IllegalStateException("alert " + entry.key + " is " + entry.value.status()
                            + " but its records were not seen");
                }
                active.add(new ActiveAlert(entry.key, last.rule(), entry.value.status(), last.labels(),
                        last.annotations(), entry.value.startsAt(), last.value()));
            }
        }
        // Forget what went inactive (resolved, or pending that stopped holding): memory stays bounded by live alerts.
        latest.keySet().retainAll(live);
        active.sort(Comparator.comparing(ActiveAlert::rule).thenComparing(a -> a.sortedLabels().toString()));
        return active;
    }

    private void pull() {
        if (summaryListener != null && !summaries.isEmpty()) {
            // Summaries before the alerts they caused: a listener sees a window's value before its transition.
            summaries.readValuesToList().forEach(summaryListener);
        }
        if (alerts.isEmpty()) {
            return;
        }
        for (AlertEvent event : alerts.readValuesToList()) {
            alertListener.accept(event);
            if (event != null && sloAlertListener != null && isSloAlert(event)) {
                sloAlertListener.accept(event);
                continue;
            }
            if (event == null || !ruleNames.contains(event.rule()) || !isRuleTransition(event)) {
                continue;
            }
            undrained.add(event);
            if (event.status() == AlertStatus.RESOLVED) {
                latest.remove(event.fingerprint());
            } else {
                latest.put(event.fingerprint(), event);
            }
        }
    }

    /**
     * Whether the record came from a rule (AlertRuleProcessor) rather than from an event alert of the same name:
     * rule records carry the rule's statistic and metric.
     */
    private boolean isRuleTransition(AlertEvent event) {
        return settings.rules().stream().anyMatch(r -> r.name().equals(event.rule()) && r.metric().equals(event.metric())
                && r.stat().wireName().equals(event.stat()));
    }

    /** Whether the record is an SLO's burn-rate alert (SloProcessor's: its metric is the alert's name too). */
    private boolean isSloAlert(AlertEvent event) {
        return !settings.slos().isEmpty() && BurnRateAlerts.ALERT_NAME.equals(event.rule())
                && BurnRateAlerts.ALERT_NAME.equals(event.metric());
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            deleteStateDir();
        }
    }

    private void deleteStateDir() {
        try (Stream<Path> paths = Files.walk(stateDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temporary directory is not worth failing a run for.
        }
    }
}
