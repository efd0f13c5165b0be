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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
            Topic.SYNTHETIC, Topic.ERRORS, Topic.SECURITY, Topic.SUMMARIES, Topic.RATELIMIT, Topic.ALERTS,
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
     * Reads a topic from the start, committed records only (the processor writes in transactions), until
     * {@code done} holds for what was read; then reads for {@code settle} more, so that anything committed
     * after it (a duplicate) shows up too.
     */
    static <T> List<T> readCommitted(LocalKafka kafka, String topic, Deserializer<T> values, Duration atMost,
                                     Predicate<List<T>> done, Duration settle) {
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
                    for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
                        read.add(record.value());
                    }
                    return done.test(read);
                });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                // The caller's assertions on what did arrive say more than a timeout.
                return read;
            }
            long until = System.nanoTime() + settle.toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> read.add(record.value()));
            }
        }
        return read;
    }
}
