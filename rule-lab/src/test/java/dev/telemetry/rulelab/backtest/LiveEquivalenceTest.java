package dev.telemetry.rulelab.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.rulelab.replay.LabSettings;
import dev.telemetry.rulelab.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The equivalence: the live stream processor ({@link StreamProcessor}, exactly-once, on a real broker) over
 * some history, then a backtest of the same raw topics' history with the same rules and windows; the alert
 * transitions are the same (rule, labels, window, state, value), in the same order per alert, including
 * {@code for}, {@code keep_firing_for} and a pending alert that drops back.
 */
@ExtendWith(LocalKafkaExtension.class)
class LiveEquivalenceTest {

    /** The history: 15 one-minute windows, 40 minutes ago. */
    private static final Instant T0 = Instant.now().minus(Duration.ofMinutes(40)).truncatedTo(ChronoUnit.MINUTES);
    private static final Instant END = T0.plus(Duration.ofMinutes(15));
    private static final List<Topic> RAW = HistoryReader.RAW_TOPICS;
    private static final String SLOW =
            "checkout_slow {alertname=checkout_slow, app=shop, endpoint=/api/checkout, severity=high} ";
    private static final String BUSY = "queue_busy {alertname=queue_busy, app=shop, queue=orders, severity=medium} ";

    @Test
    void shouldBacktestTheAlertTransitionsTheLiveProcessorWrote(LocalKafka kafka, @TempDir Path dir) throws Exception {
        Map<String, String> topics = new LinkedHashMap<>();
        for (Topic topic : List.of(Topic.METRICS, Topic.VITALS, Topic.ACTIONS, Topic.REQUESTS, Topic.SYNTHETIC,
                Topic.ERRORS, Topic.SECURITY, Topic.FEEDBACK, Topic.AUDIT, Topic.SUMMARIES, Topic.RATELIMIT, Topic.ALERTS, Topic.SLO, Topic.VITALS_ATTRIBUTION,
                Topic.PROCESSOR_DLQ)) {
            String name = kafka.uniqueTopicName("equivalence-" + topic.configKey());
            // Two partitions per raw topic, as the processor's tasks split them; one for the alerts: one order.
            kafka.createTopic(name, RAW.contains(topic) ? 2 : 1);
            topics.put(topic.configKey(), name);
        }
        String applicationId = "equivalence-" + UUID.randomUUID();
        StringBuilder yaml = new StringBuilder()
                .append("kafka: {bootstrap-servers: \"").append(kafka.bootstrapServers()).append("\"}\n")
                .append("application-id: ").append(applicationId).append('\n')
                .append("state-dir: \"").append(dir.resolve("state")).append("\"\n")
                .append("http: {host: 127.0.0.1, port: 0}\n")
                .append("commit-interval: 100ms\n")
                .append("topics:\n");
        topics.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        yaml.append("""
                windows: {size: 1m, grace: 10s, close-check-interval: 200ms}
                rules:
                  # for: two breaching windows before it fires
                  - {name: checkout_slow, metric: response_time, labels: {endpoint: /api/checkout}, stat: p95,
                     operator: gt, threshold: 1000, duration: 2, severity: high}
                  # keep_firing_for: fires at once, keeps firing two minutes after the last breach
                  - {name: queue_busy, metric: queue_depth, stat: max, operator: gt, threshold: 100, duration: 0,
                     keep_firing_for: 2m, severity: medium}
                """);
        Path file = Files.writeString(dir.resolve("processor.yaml"), yaml);
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
        produceHistory(kafka, topics);

        // The backtest first (what `./telemetry backtest` reads and replays), then the live processor.
        List<String> backtested = backtest(kafka, config);
        List<String> live = live(kafka, config, topics, applicationId, backtested.size());

        assertThat(byAlert(live)).isEqualTo(byAlert(backtested));
        assertThat(live).containsExactlyInAnyOrderElementsOf(backtested);
        // What the history was made to do: for, keep_firing_for, and a pending alert that drops back.
        List<String> brief = backtested.stream().map(t -> t.substring(0, t.indexOf(" |"))).toList();
        // checkout_slow: pending after the first slow window (1m..2m), firing after the second, resolved by the first
        // fast one (5m..6m); pending again after the lone slow window 8m..9m, and quietly inactive after the next.
        assertThat(brief).containsSubsequence(
                SLOW + "PENDING window " + T0.plus(Duration.ofMinutes(2)),
                SLOW + "FIRING window " + T0.plus(Duration.ofMinutes(3)),
                SLOW + "RESOLVED window " + T0.plus(Duration.ofMinutes(6)),
                SLOW + "PENDING window " + T0.plus(Duration.ofMinutes(9)));
        assertThat(brief).filteredOn(t -> t.startsWith("checkout_slow")).hasSize(4);
        assertThat(brief).filteredOn(t -> t.startsWith("queue_busy")).containsExactly(
                BUSY + "FIRING window " + T0.plus(Duration.ofMinutes(4)),
                // The last breaching window ends at 5m: firing through the windows ending at 6m, resolved at 7m.
                BUSY + "RESOLVED window " + T0.plus(Duration.ofMinutes(7)));
    }

    /**
     * Two apps' checkout requests every 2 s (shop's slow in minutes 1 to 4, and in minute 8 alone), shop's queue
     * depth every 5 s (high in minutes 3 and 4), each appended at its own time, as the gateway does.
     */
    private static void produceHistory(LocalKafka kafka, Map<String, String> topics) throws Exception {
        try (KafkaProducer<String, byte[]> producer = BacktestMainTest.producer(kafka)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int s = 0; s < 15 * 60; s++) {
                Instant at = T0.plusSeconds(s);
                int minute = s / 60;
                if (s % 2 == 0) {
                    boolean slow = (minute >= 1 && minute <= 4) || minute == 8;
                    sent.add(send(producer, topics, request("shop", slow ? 2500 : 200, at)));
                    sent.add(send(producer, topics, request("blog", 150, at)));
                }
                if (s % 5 == 0) {
                    sent.add(send(producer, topics, envelope("shop", new MetricEvent("queue_depth",
                            minute == 3 || minute == 4 ? 500 : 10, at.toEpochMilli(), Map.of("queue", "orders")), at)));
                }
            }
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    /** The rule transitions of a backtest of the history, as `./telemetry backtest` reads and replays it. */
    private static List<String> backtest(LocalKafka kafka, ProcessorConfig config) throws Exception {
        LabSettings settings = LabSettings.rulesOf(config);
        List<String> transitions = new ArrayList<>();
        Instant to = END.plus(Duration.ofMinutes(5));
        try (HistoryReader reader = new HistoryReader(kafka.bootstrapServers(), config.topicCatalogue(),
                Duration.ofSeconds(30));
             Replay replay = new Replay(settings, T0)) {
            HistoryReader.Stats stats = reader.readRaw(T0, to, null, (topic, key, value, appendedAt) -> {
                replay.send(topic, key, value, appendedAt);
                replay.drainTransitions().forEach(t -> transitions.add(describe(t)));
            });
            assertThat(stats.delivered()).isEqualTo(15 * 60 + 15 * 60 / 5);
            replay.advanceTo(to);
            replay.drainOutputs();
            replay.drainTransitions().forEach(t -> transitions.add(describe(t)));
            assertThat(replay.deadLetters()).isZero();
        }
        return transitions;
    }

    /**
     * The rule transitions the live processor writes to its alerts topic, once it has at least {@code expected}
     * and has read and committed all of its input (then to the topic's end, so that extra ones show too).
     */
    private static List<String> live(LocalKafka kafka, ProcessorConfig config, Map<String, String> topics,
                                     String applicationId, int expected) throws Exception {
        Set<String> rules = config.rules().stream().map(AlertRule::name).collect(Collectors.toSet());
        List<String> transitions = new ArrayList<>();
        String alerts = topics.get(Topic.ALERTS.configKey());
        TopicPartition partition = new TopicPartition(alerts, 0);
        try (StreamProcessor processor = StreamProcessor.start(config);
             KafkaConsumer<String, AlertEvent> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                     JsonSerde.alert().deserializer());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(60)).until(() -> processor.state() == KafkaStreams.State.RUNNING);
            await().atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, AlertEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && rules.contains(r.value().rule())) {
                        transitions.add(describe(r.value()));
                    }
                }
                return transitions.size() >= expected && caughtUp(admin, applicationId, topics);
            });
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, AlertEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && rules.contains(r.value().rule())) {
                        transitions.add(describe(r.value()));
                    }
                }
            }
        }
        return transitions;
    }

    /** Whether the application committed offsets covering every raw partition's end. */
    private static boolean caughtUp(Admin admin, String applicationId, Map<String, String> topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> ends = new java.util.HashMap<>();
        for (Topic topic : RAW) {
            for (int p = 0; p < 2; p++) {
                ends.put(new TopicPartition(topics.get(topic.configKey()), p), OffsetSpec.latest());
            }
        }
        return admin.listOffsets(ends).all().get().entrySet().stream().allMatch(e -> {
            OffsetAndMetadata at = committed.get(e.getKey());
            return e.getValue().offset() == 0 || at != null && at.offset() >= e.getValue().offset();
        });
    }

    /** Rule, labels, state and window (its end, when it was evaluated), then what the comparison also covers. */
    private static String describe(AlertEvent t) {
        return t.rule() + " " + new TreeMap<>(t.labels()) + " " + t.status() + " window " + t.evaluatedAt()
                + " | startsAt " + t.startsAt() + " endsAt " + t.endsAt() + " value " + t.value();
    }

    /** The transitions of each alert (rule and labels), in order. */
    private static Map<String, List<String>> byAlert(List<String> transitions) {
        Map<String, List<String>> byAlert = new TreeMap<>();
        for (String t : transitions) {
            byAlert.computeIfAbsent(t.substring(0, t.indexOf('}') + 1), k -> new ArrayList<>()).add(t);
        }
        return byAlert;
    }

    private static Envelope request(String app, double durationMs, Instant at) {
        return envelope(app, new RequestEvent("198.51.100.1", "GET", "/api/checkout", 200, durationMs, "agent", null,
                null, at.toEpochMilli()), at);
    }

    private static Envelope envelope(String app, TelemetryEvent event, Instant at) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, at, at, "203.0.113.9",
                "agent", event);
    }

    private static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, Map<String, String> topics,
                                               Envelope envelope) {
        String topic = topics.get(envelope.type().topic().configKey());
        return producer.send(new ProducerRecord<>(topic, null, envelope.receivedAt().toEpochMilli(), envelope.key(),
                JsonSerde.envelope().serializer().serialize(topic, envelope)));
    }
}
