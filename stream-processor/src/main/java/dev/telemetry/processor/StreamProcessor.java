package dev.telemetry.processor;

import dev.telemetry.events.topic.Topic;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.processor.progress.KafkaReadProgress;
import dev.telemetry.processor.progress.MainConsumers;
import dev.telemetry.processor.progress.TopologyInputs;
import dev.telemetry.processor.queries.Queries;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.ReadProgress;
import dev.telemetry.processor.topology.TelemetryTopology;
import dev.telemetry.processor.window.WindowClock;
import dev.telemetry.service.ops.ErrorReporter;
import dev.telemetry.service.ops.Health;
import dev.telemetry.service.ops.Metrics;
import dev.telemetry.service.ops.OpsServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running stream processor: the {@link TelemetryTopology} on Kafka Streams with exactly-once
 * processing, plus {@code /health}, {@code /metrics} and two interactive queries, {@code /summaries/recent}
 * and {@code /alerts/active}. Closing it closes Streams cleanly (state
 * flushed, transactions finished) and then the operations endpoint.
 */
public final class StreamProcessor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamProcessor.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    /** How long a commit waits for an unreachable broker before Kafka Streams gives up on its tasks. */
    static final Duration COMMIT_BLOCK = Duration.ofMinutes(15);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final OpsServer ops;
    private final PrometheusMeterRegistry registry;
    private final Admin admin;
    private final KafkaReadProgress progress;
    private final ErrorReporter reporter;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StreamProcessor(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, OpsServer ops,
                            PrometheusMeterRegistry registry, Admin admin, KafkaReadProgress progress,
                            ErrorReporter reporter) {
        this.streams = streams;
        this.streamsMetrics = streamsMetrics;
        this.ops = ops;
        this.registry = registry;
        this.admin = admin;
        this.progress = progress;
        this.reporter = reporter;
    }

    /** Builds the topology from {@code config}, starts Streams and the operations endpoint. */
    public static StreamProcessor start(ProcessorConfig config) {
        return start(config, ErrorReporter.fromEnvironment(System.getenv(), "stream-processor", version()));
    }

    /** As {@link #start(ProcessorConfig)}, with our own unexpected exceptions going to {@code reporter}. */
    public static StreamProcessor start(ProcessorConfig config, ErrorReporter reporter) {
        PrometheusMeterRegistry registry = Metrics.registry("stream-processor");
        ProcessorSettings settings = config.settings();
        MicrometerProcessorMetrics metrics = new MicrometerProcessorMetrics(registry);
        Properties properties = streamsProperties(config, reporter);
        // How far the input is read bounds how far the wall clock may close windows (WindowClock). It needs to know
        // what each task reads, which a build of the same pure topology describes.
        Admin admin = Admin.create(new StreamsConfig(properties).getAdminConfigs(config.applicationId() + "-read-progress"));
        // Kafka Streams' clients, with each stream thread's main consumer kept: it says how far each partition is
        // fetched, which bounds how far stream time may close windows (max.task.idle.ms below).
        MainConsumers clients = new MainConsumers();
        KafkaReadProgress progress = new KafkaReadProgress(admin, config.applicationId(),
                TopologyInputs.of(TelemetryTopology.build(settings, metrics).describe(), config.applicationId()),
                settings.closeCheckInterval(), System::currentTimeMillis, clients);
        Gauge.builder("processor.input.read.behind.seconds", progress, StreamProcessor::secondsBehind)
                .description("How far behind the wall clock the input is known to be fully read (the oldest input "
                        + "partition); quiet windows close this much later. NaN until the broker first answers.")
                .register(registry);
        Topology topology = TelemetryTopology.build(settings, metrics, progress);
        KafkaStreams streams = new KafkaStreams(topology, properties, clients);
        // A dead stream thread is replaced (after a broker outage a transaction commit can fail fatally, and a new
        // thread resumes from the last commit); one that keeps dying stops this client, which /health then reports.
        Counter replaced = Counter.builder("processor.stream.threads.replaced")
                .description("Stream threads that died (e.g. a transaction that could not commit after a broker "
                        + "outage) and were replaced").register(registry);
        streams.setUncaughtExceptionHandler(new ThreadFailurePolicy(5, Duration.ofMinutes(10), System::currentTimeMillis,
                replaced::increment, reporter));
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        OpsServer ops;
        try {
            // Bound before Streams starts, so a taken port fails start-up before anything is consumed.
            ops = new OpsServer(config.http().host(), config.http().port(), version(), registry, () -> health(streams, progress));
            Queries queries = new Queries(streams);
            ops.route("/summaries/recent", queries::recentSummaries);
            ops.route("/alerts/active", queries::activeAlerts);
        } catch (RuntimeException e) {
            streamsMetrics.close();
            streams.close();
            progress.close();
            admin.close();
            registry.close();
            reporter.close();
            throw e;
        }
        progress.start();
        streams.start();
        ops.start();
        LOG.info("stream processor '{}' started: {} rule(s), windows of {} with {} grace, reading {}, {}, {}",
                config.applicationId(), settings.rules().size(), settings.windowSize(), settings.grace(),
                settings.topics().name(Topic.METRICS), settings.topics().name(Topic.VITALS),
                settings.topics().name(Topic.ACTIONS));
        return new StreamProcessor(streams, streamsMetrics, ops, registry, admin, progress, reporter);
    }

    private static double secondsBehind(KafkaReadProgress progress) {
        long readUpTo = progress.oldestReadUpTo();
        return readUpTo == ReadProgress.UNKNOWN ? Double.NaN : Math.max(0, System.currentTimeMillis() - readUpTo) / 1000.0;
    }

    /** The Kafka Streams configuration; everything about running the topology, nothing about its shape. */
    static Properties streamsProperties(ProcessorConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        // Process whatever is buffered, without Kafka Streams' per-record check of every empty partition: in 4.4 it
        // formats log lines for each one whatever the log level (KAFKA-19682), and our main sub-topology reads eight
        // raw topics, most of them quiet, so it took half of the stream thread (docs/performance.md, "Processor").
        // The wait it did for partitions still being fetched is now the windows' own: stream time closes a window
        // only as far as every partition not yet fetched to its end has been read (ReadProgress#streamTimeBound).
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // Poison records are logged, copied to the DLQ and skipped: a crash loop on one bad record would
        // stop every series in its partition.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        // Kafka 5.0's default; set now so that behaviour does not change under us on upgrade.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topicCatalogue().name(Topic.PROCESSOR_DLQ));
        // A commit that cannot reach the broker blocks for the producer's max.block.ms (Kafka's 60 s) and then fails
        // with a timeout, which Kafka Streams handles as corrupted tasks, rebuilt from the changelogs while the
        // transaction it could not abort is still open. After a two-minute broker outage that path lost events of
        // open windows (fault-scenarios: 2 % of the raw events). Blocking through the outage instead ends the way
        // shorter outages do, which lose nothing: the coordinator aborts the stale transaction, the producer is
        // fenced, and the tasks resume from the last commit. Operators may still override it.
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_BLOCK_MS_CONFIG), (int) COMMIT_BLOCK.toMillis());
        // Anything else Kafka Streams or its clients accept (e.g. consumer.session.timeout.ms), as the operator
        // configured it; the guarantee stays exactly_once_v2.
        props.putAll(config.streams());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        return props;
    }

    /**
     * {@link #streamsProperties(ProcessorConfig)}, with the records a processor failed on also reported to
     * {@code reporter} (still logged, copied to the DLQ and skipped), unless the operator chose another handler.
     */
    static Properties streamsProperties(ProcessorConfig config, ErrorReporter reporter) {
        Properties props = streamsProperties(config);
        if (props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG) == LogAndContinueProcessingExceptionHandler.class) {
            props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ReportingProcessingExceptionHandler.class);
            props.put(ReportingProcessingExceptionHandler.REPORTER, reporter);
        }
        return props;
    }

    private static Health health(KafkaStreams streams, KafkaReadProgress progress) {
        KafkaStreams.State state = streams.state();
        boolean running = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("kafka_streams_state", state.name());
        // Not a check: a processor behind its input is healthy, its quiet windows just close later.
        long readUpTo = progress.oldestReadUpTo();
        details.put("input_read_up_to", readUpTo == ReadProgress.UNKNOWN ? "unknown" : java.time.Instant.ofEpochMilli(readUpTo).toString());
        if (running) {
            return new Health(Health.Status.HEALTHY, Map.of("kafka_streams_running", true), details);
        }
        // Starting up is degraded (not ready yet); a stopped or failed client will not recover by itself.
        Health.Status status = state == KafkaStreams.State.CREATED ? Health.Status.DEGRADED : Health.Status.UNHEALTHY;
        return new Health(status, Map.of("kafka_streams_running", false), details);
    }

    private static String version() {
        String version = StreamProcessor.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** The port {@code /health} and {@code /metrics} listen on (useful when configured as 0). */
    public int httpPort() {
        return ops.port();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Kafka Streams client's state, e.g. {@code RUNNING}. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** How many tasks (partitions of the topology) this instance processes now. */
    public int activeTasks() {
        return streams.metadataForLocalThreads().stream().mapToInt(thread -> thread.activeTasks().size()).sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!streams.close(CLOSE_TIMEOUT)) {
            LOG.warn("Kafka Streams did not close within {}; state will be restored from changelogs on restart",
                    CLOSE_TIMEOUT);
        }
        progress.close();
        admin.close(CLOSE_TIMEOUT);
        streamsMetrics.close();
        ops.close();
        registry.close();
        // Last: Streams' own shutdown may still report.
        reporter.close();
    }
}
