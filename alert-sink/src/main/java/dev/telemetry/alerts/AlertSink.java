package dev.telemetry.alerts;

import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.dispatch.Backoff;
import dev.telemetry.alerts.dispatch.DeliveryMetrics;
import dev.telemetry.alerts.dispatch.DeliveryPolicy;
import dev.telemetry.alerts.dispatch.DispatchLoop;
import dev.telemetry.alerts.dispatch.Router;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.ReceiverConfig;
import dev.telemetry.alerts.notify.sentry.SentryConfig;
import dev.telemetry.alerts.notify.sentry.SentryNotifier;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.service.ops.ErrorReporter;
import dev.telemetry.service.ops.Health;
import dev.telemetry.service.ops.Metrics;
import dev.telemetry.service.ops.OpsServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import dev.telemetry.alerts.forward.SentryForwarder;
import dev.telemetry.alerts.inhibit.Inhibitor;
import dev.telemetry.alerts.nflog.KafkaJournal;
import dev.telemetry.alerts.silence.SilenceApi;
import dev.telemetry.alerts.silence.SilenceStore;
import dev.telemetry.alerts.silence.Silencer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running alert sink: consumes alert state changes, notifies the configured receivers, and
 * serves {@code /health} and {@code /metrics}. Start with {@link #start}, stop with {@link #close}.
 */
public final class AlertSink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertSink.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final DispatchLoop loop;
    private final Thread thread;
    private final KafkaClientMetrics kafkaMetrics;
    private final OpsServer ops;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final KafkaJournal journal;
    private final SilenceStore silences;
    private final List<SentryForwarder> forwarders;
    private final ErrorReporter errors;

    private AlertSink(DispatchLoop loop, Thread thread, KafkaClientMetrics kafkaMetrics, OpsServer ops, KafkaJournal journal,
                      SilenceStore silences, List<SentryForwarder> forwarders, ErrorReporter errors) {
        this.forwarders = forwarders;
        this.errors = errors;
        this.journal = journal;
        this.silences = silences;
        this.loop = loop;
        this.thread = thread;
        this.kafkaMetrics = kafkaMetrics;
        this.ops = ops;
    }

    /**
     * Starts consuming and serving; returns once the operations endpoint listens. The sink's own unexpected
     * exceptions go to Sentry when {@code SENTRY_DSN} is set.
     */
    public static AlertSink start(SinkConfig config) {
        return start(config, ErrorReporter.fromEnvironment(System.getenv(), "alert-sink", version()));
    }

    /** As {@link #start(SinkConfig)}, with the sink's own unexpected exceptions going to {@code errors}. */
    public static AlertSink start(SinkConfig config, ErrorReporter errors) {
        Clock clock = Clock.systemUTC();
        String topic = config.topicCatalogue().name(Topic.ALERTS);
        PrometheusMeterRegistry registry = Metrics.registry("alert-sink");
        Map<String, Notifier> notifiers = notifiers(config, clock);
        Router router = new Router(config.routes(), config.defaultReceivers(), notifiers);
        DeliveryMetrics metrics = new DeliveryMetrics(registry, notifiers.keySet());
        Backoff backoff = new Backoff(config.retry().initialBackoff(), config.retry().maxBackoff());

        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties(config),
                new StringDeserializer(), new ByteArrayDeserializer());
        KafkaClientMetrics kafkaMetrics = new KafkaClientMetrics(consumer);
        kafkaMetrics.bindTo(registry);
        KafkaJournal journal = KafkaJournal.open(config.kafka().bootstrapServers(), config.topicCatalogue(), clock);
        SilenceStore silences = new SilenceStore(config.kafka().bootstrapServers(), config.topicCatalogue().name(Topic.SILENCES), clock);
        // No console yet: a folded group is seen on the delivery log, and on this sink's /health when it has an address.
        String stormSeeAt = config.topicCatalogue().name(Topic.NOTIFICATIONS) + " (outcome \"folded\")"
                + (config.externalUrl().isEmpty() ? "" : ", " + config.externalUrl().replaceAll("/+$", "") + "/health");
        DeliveryPolicy policy = new DeliveryPolicy(backoff, config.retry().maxAge(), config.delivery().maxInFlight(),
                config.delivery().stormLimit(), DeliveryPolicy.DEFAULT_STORM_WAIT, stormSeeAt);
        DispatchLoop loop = new DispatchLoop(consumer, topic, router, policy, config.grouping(), metrics, journal,
                List.of(new Silencer(silences::list, silences::awaitReady), new Inhibitor(config.inhibitRules())), clock,
                errors);
        Gauge.builder("alerts.backlog", loop, DispatchLoop::backlogSize)
                .description("Consumed alert records not yet delivered to every receiver")
                .register(registry);

        OpsServer ops;
        try {
            ops = new SilenceApi(silences, config.adminToken(), clock).mount(new OpsServer(config.http().host(), config.http().port(),
                    version(), registry, () -> health(loop, journal, silences, topic, config))).start();
        } catch (RuntimeException e) {
            kafkaMetrics.close();
            consumer.close();
            journal.close();
            silences.close();
            errors.close();
            throw e;
        }
        Thread thread = new Thread(loop, "alert-sink-dispatch");
        thread.start();
        List<SentryForwarder> forwarders = forwarders(config, notifiers, backoff, errors);
        LOG.info("alert sink consuming {} as group {}; receivers: {}; routes: {}; default receivers: {}", topic,
                config.groupId(), describe(notifiers), config.routes(), config.defaultReceivers());
        return new AlertSink(loop, thread, kafkaMetrics, ops, journal, silences, forwarders, errors);
    }

    /** The port of {@code /health} and {@code /metrics}; useful with {@code http.port: 0}. */
    public int httpPort() {
        return ops.port();
    }

    /**
     * Stops consuming: ends any retry wait at once, abandons a delivery in flight (it is not
     * committed, so it is delivered again after a restart), commits what was delivered, and closes
     * the consumer and the operations endpoint. Safe to call more than once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        loop.stop();
        forwarders.forEach(SentryForwarder::stop);
        try {
            thread.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("dispatch thread still running {} after close; abandoning it", STOP_TIMEOUT);
        }
        kafkaMetrics.close();
        journal.close();
        silences.close();
        ops.close();
        errors.close();
    }

    private static Map<String, Notifier> notifiers(SinkConfig config, Clock clock) {
        Map<String, Notifier> notifiers = new LinkedHashMap<>();
        for (ReceiverConfig receiver : config.receivers()) {
            notifiers.put(receiver.name(), receiver.notifier(config.externalUrl(), clock));
        }
        return notifiers;
    }

    /** One forwarder per Sentry receiver that forwards errors or feedback, each in its own consumer group. */
    private static List<SentryForwarder> forwarders(SinkConfig config, Map<String, Notifier> notifiers, Backoff backoff,
                                                    ErrorReporter errors) {
        List<SentryForwarder> forwarders = new java.util.ArrayList<>();
        for (ReceiverConfig receiver : config.receivers()) {
            if (receiver instanceof SentryConfig sentry && (sentry.forwardErrors() || sentry.forwardFeedback())) {
                Properties props = consumerProperties(config);
                props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-sentry-" + sentry.name());
                SentryForwarder forwarder = new SentryForwarder(
                        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer()),
                        List.of(config.topicCatalogue().name(Topic.ERRORS), config.topicCatalogue().name(Topic.FEEDBACK)),
                        (SentryNotifier) notifiers.get(sentry.name()), backoff,
                        sentry.forwardErrors(), sentry.forwardFeedback(), errors);
                Thread thread = new Thread(forwarder, "sentry-forward-" + sentry.name());
                thread.setDaemon(true);
                thread.start();
                forwarders.add(forwarder);
            }
        }
        return List.copyOf(forwarders);
    }

    private static String describe(Map<String, Notifier> notifiers) {
        return notifiers.values().stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    private static Properties consumerProperties(SinkConfig config) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        // Alerts from aborted processor transactions were never decided; only committed ones are notified.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Small batches: a record waits in memory until all before it are delivered.
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
        if (config.kafka().sessionTimeout() != null) {
            long session = config.kafka().sessionTimeout().toMillis();
            props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(session));
            props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, String.valueOf(Math.max(100, session / 3)));
        }
        return props;
    }

    private static Health health(DispatchLoop loop, KafkaJournal journal, SilenceStore silences, String topic, SinkConfig config) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("topic", topic);
        details.put("group_id", config.groupId());
        details.put("backlog", loop.backlogSize());
        details.put("receivers", receiverStatus(loop));
        return Health.of(Map.of("kafka_consumer_running", loop.running(), "notification_log_loaded", journal.ready(),
                "journal_written", loop.journalWritten(), "silences_loaded", silences.ready()), details);
    }

    /** Per receiver: state, notifications owed, failures and the last error, so on-call sees which receiver is down. */
    private static Map<String, Object> receiverStatus(DispatchLoop loop) {
        Map<String, Object> status = new java.util.TreeMap<>();
        loop.receiverStatuses().forEach((name, receiver) -> {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("status", receiver.state());
            view.put("owed", receiver.owed());
            view.put("consecutive_failures", receiver.failures());
            if (receiver.lastOutcome() != null) {
                view.put("last_outcome", receiver.lastOutcome());
                view.put("last_attempt_at", receiver.lastAttemptAt().toString());
                if (!receiver.lastReason().isEmpty()) {
                    view.put("last_error", receiver.lastReason());
                }
            }
            status.put(name, view);
        });
        return status;
    }

    private static String version() {
        String version = AlertSink.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public String toString() {
        return "AlertSink[http=" + ops.port() + "]";
    }
}
