package dev.telemetry.processor;

import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the processor's integration tests share: their own topics, a config file, a producer, a committed reader. */
final class ProcessorFixture {

    /** Every topic the processor reads or writes. */
    static final List<Topic> TOPICS = List.of(Topic.METRICS, Topic.VITALS, Topic.ACTIONS, Topic.REQUESTS,
            Topic.SYNTHETIC, Topic.ERRORS, Topic.SECURITY, Topic.FEEDBACK, Topic.AUDIT, Topic.SUMMARIES, Topic.RATELIMIT, Topic.ALERTS, Topic.SLO, Topic.VITALS_ATTRIBUTION,
            Topic.PROCESSOR_DLQ);

    private ProcessorFixture() {
    }

    /** Unique topics for one test, {@code partitions} each, by config key. */
    static Map<String, String> createTopics(LocalKafka kafka, String prefix, int partitions) {
        Map<String, String> topics = new LinkedHashMap<>();
        for (Topic topic : TOPICS) {
            String name = kafka.uniqueTopicName(prefix + "-" + topic.configKey());
            kafka.createTopic(name, partitions);
            topics.put(topic.configKey(), name);
        }
        return topics;
    }

    /** A processor config file: the test's topics, windows and rules, an ephemeral HTTP port. */
    static Path writeConfig(Path dir, String bootstrapServers, String applicationId, Path stateDir,
                            Map<String, String> topics, String windowsYaml, String rulesYaml, String extraYaml)
            throws Exception {
        StringBuilder topicYaml = new StringBuilder();
        topics.forEach((key, name) -> topicYaml.append("  ").append(key).append(": ").append(name).append('\n'));
        String yaml = """
                kafka: {bootstrap-servers: "%s"}
                application-id: %s
                state-dir: "%s"
                windows: %s
                http: {host: 127.0.0.1, port: 0}
                commit-interval: 100ms
                topics:
                %s
                rules:
                %s
                %s
                """.formatted(bootstrapServers, applicationId, stateDir, windowsYaml, topicYaml, rulesYaml, extraYaml);
        return Files.writeString(dir.resolve("processor-" + UUID.randomUUID() + ".yaml"), yaml);
    }

    static KafkaProducer<String, Envelope> producer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(props, new StringSerializer(), JsonSerde.envelope().serializer());
    }

    /**
     * What {@link #readCommitted} waits for once {@code done} holds, before it reads the topic to its end: the
     * moment after which nothing more can be committed to it that would change the test's verdict.
     */
    @FunctionalInterface
    interface Settled {

        /** Nothing to wait for: the caller only needs {@code done} (e.g. before killing the processor); nothing more is read. */
        Settled NOW = () -> true;

        boolean reached() throws Exception;
    }

    /**
     * When application {@code applicationId} has read and committed all of its input: its raw topics among
     * {@code topics} and its repartition topics (every partition its group has committed). Under exactly-once its
     * outputs commit with those offsets, so anything it would write twice is committed by then.
     */
    static Settled caughtUp(LocalKafka kafka, String applicationId, Map<String, String> topics) {
        Set<String> inputs = new HashSet<>();
        for (Topic topic : List.of(Topic.METRICS, Topic.VITALS, Topic.ACTIONS, Topic.REQUESTS, Topic.SYNTHETIC,
                Topic.ERRORS, Topic.SECURITY, Topic.FEEDBACK)) {
            inputs.add(topics.get(topic.configKey()));
        }
        return () -> {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                        .partitionsToOffsetAndMetadata().get();
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                committed.keySet().forEach(p -> ends.put(p, OffsetSpec.latest()));
                admin.describeTopics(inputs).allTopicNames().get().values().forEach(topic -> topic.partitions()
                        .forEach(p -> ends.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
                return admin.listOffsets(ends).all().get().entrySet().stream().allMatch(end -> {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    return end.getValue().offset() == 0 || at != null && at.offset() >= end.getValue().offset();
                });
            }
        };
    }

    /**
     * Reads a topic from the start, committed records only (the processor writes in transactions), until
     * {@code done} holds for what was read; then, once {@code settled} is reached, to the topic's end, so that
     * anything committed after {@code done} (a duplicate) shows up too. Either wait gives up after {@code atMost}
     * and returns what was read: the caller's assertions on it say more than a timeout.
     */
    static <T> List<T> readCommitted(LocalKafka kafka, String topic, Deserializer<T> values, Duration atMost,
                                     Predicate<List<T>> done, Settled settled) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> read = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            try {
                await().atMost(atMost).pollDelay(Duration.ZERO).until(() -> {
                    poll(consumer, read);
                    return done.test(read);
                });
                if (settled == Settled.NOW) {
                    return read;
                }
                await().atMost(atMost).pollDelay(Duration.ZERO).until(() -> {
                    // In this order: the end offsets (under read_committed, up to the last committed transaction)
                    // are taken once the application settled, so they include whatever it committed before.
                    boolean reached = settled.reached();
                    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                    poll(consumer, read);
                    return reached && partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // The caller's assertions on what did arrive say more than a timeout.
                return read;
            }
        }
        return read;
    }

    private static <T> void poll(KafkaConsumer<String, T> consumer, List<T> read) {
        for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
            read.add(record.value());
        }
    }
}
