package dev.telemetry.benchmarks.processor;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The stream processor's throughput against its baseline, in one run on one local broker: the same N metric
 * events on the same topic are read (1) by a plain consumer that only parses the JSON envelopes and (2) by the
 * production topology under exactly_once_v2 (windows, DDSketch percentiles, rules, shipped configuration). It
 * prints both rates and their ratio. Usage: {@code ProcessorBenchmark [events] [partitions] [commit-interval]}.
 */
public final class ProcessorBenchmark {

    private static final Instant BASE = Instant.parse("2026-01-01T00:00:00Z");

    private ProcessorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        String commitInterval = args.length > 2 ? args[2] : "1s";
        Path dir = Files.createTempDirectory("processor-benchmark");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start()) {
            String topic = "bench-metrics-" + UUID.randomUUID();
            broker.createTopic(topic, partitions, Map.of());
            produce(broker.bootstrapServers(), topic, events);

            double baseline = plainConsumer(broker.bootstrapServers(), topic, events);
            double topology = topology(broker, dir, topic, events, commitInterval);

            System.out.printf(Locale.ROOT, "events: %d, partitions: %d, commit interval: %s%n", events, partitions,
                    commitInterval);
            System.out.printf(Locale.ROOT, "plain consumer (parse JSON only): %,.0f events/s%n", baseline);
            System.out.printf(Locale.ROOT, "topology, exactly_once_v2:        %,.0f events/s%n", topology);
            System.out.printf(Locale.ROOT, "ratio topology / consumer:        %.2f%n", topology / baseline);
        }
    }

    private static void produce(String bootstrap, String topic, int events) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(props, new StringSerializer(),
                JsonSerde.envelope().serializer())) {
            for (int i = 0; i < events; i++) {
                // 10 minutes of event time, 20 series, latencies with a tail: the shape of real custom metrics.
                Instant at = BASE.plusMillis(i * 600_000L / events);
                double value = 50 + (i * 7919L % 1000) * ((i % 100 == 0) ? 10 : 1);
                MetricEvent metric = new MetricEvent("api_latency_ms", value, at.toEpochMilli(),
                        Map.of("endpoint", "/api/e" + (i % 20)));
                Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "bench",
                        at, at, "203.0.113.9", "bench", metric);
                producer.send(new ProducerRecord<>(topic, envelope.key(), envelope));
            }
            producer.flush();
        }
    }

    /** Events per second of a consumer that polls and parses every envelope, from first poll to the last record. */
    private static double plainConsumer(String bootstrap, String topic, int events) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-consumer-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, Envelope> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                JsonSerde.envelope().deserializer())) {
            consumer.subscribe(List.of(topic));
            long read = 0;
            long start = 0;
            while (read < events) {
                for (ConsumerRecord<String, Envelope> record : consumer.poll(Duration.ofMillis(200))) {
                    if (start == 0) {
                        start = System.nanoTime();
                    }
                    if (record.value() != null) {
                        read++;
                    }
                }
            }
            return read / ((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Events per second of the production topology: from Streams reaching RUNNING with its first committed
     * offset to its committed offsets covering every event (so the time includes the last commit).
     */
    private static double topology(LocalKafkaBroker broker, Path dir, String topic, int events, String commitInterval)
            throws Exception {
        Map<String, String> topics = new java.util.LinkedHashMap<>();
        topics.put(Topic.METRICS.configKey(), topic);
        for (Topic t : List.of(Topic.VITALS, Topic.ACTIONS, Topic.REQUESTS, Topic.SYNTHETIC, Topic.ERRORS,
                Topic.SECURITY, Topic.FEEDBACK, Topic.AUDIT, Topic.SUMMARIES, Topic.RATELIMIT, Topic.ALERTS, Topic.PROCESSOR_DLQ)) {
            String name = "bench-" + t.configKey() + "-" + UUID.randomUUID();
            broker.createTopic(name, 1, Map.of());
            topics.put(t.configKey(), name);
        }
        StringBuilder yaml = new StringBuilder()
                .append("kafka: {bootstrap-servers: \"").append(broker.bootstrapServers()).append("\"}\n")
                .append("application-id: bench-").append(UUID.randomUUID()).append('\n')
                .append("state-dir: \"").append(dir.resolve("state")).append("\"\n")
                .append("http: {host: 127.0.0.1, port: 0}\n")
                .append("commit-interval: ").append(commitInterval).append('\n')
                .append("topics:\n");
        topics.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        Path file = Files.writeString(dir.resolve("processor.yaml"), yaml);
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
        try (StreamProcessor processor = StreamProcessor.start(config);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            while (processor.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            long start = 0;
            long committedAtStart = 0;
            while (true) {
                long committed = committed(admin, config.applicationId(), topic);
                if (start == 0 && committed > 0) {
                    // Counted from the first commit: startup and group join are not throughput.
                    start = System.nanoTime();
                    committedAtStart = committed;
                }
                if (start != 0 && committed >= events) {
                    return (events - committedAtStart) / ((System.nanoTime() - start) / 1e9);
                }
                Thread.sleep(20);
            }
        }
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }
}
