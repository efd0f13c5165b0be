package dev.telemetry.kafka.local.junit;

import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(LocalKafkaExtension.class)
class LocalKafkaExtensionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static LocalKafka staticField;
    private static LocalKafka seenByBeforeAll;
    private LocalKafka instanceField;

    @BeforeAll
    static void rememberBroker(LocalKafka kafka) {
        seenByBeforeAll = staticField == kafka ? kafka : null;
    }

    @Test
    void shouldInjectTheSameBrokerWhenAskedByFieldAndParameter(LocalKafka kafka) {
        assertThat(seenByBeforeAll).isSameAs(kafka);
        assertThat(staticField).isSameAs(kafka);
        assertThat(instanceField).isSameAs(kafka);
    }

    @Test
    void shouldConsumeRecordWhenProducedToCreatedTopic(LocalKafka kafka) throws Exception {
        String topic = kafka.uniqueTopicName("plain");
        kafka.createTopic(topic, 2);

        try (var producer = new KafkaProducer<>(producerProps(kafka), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "hello")).get(60, TimeUnit.SECONDS);
        }

        assertThat(consumeValues(kafka, topic, 1)).containsExactly("hello");
    }

    @Test
    void shouldSeeRecordWhenTransactionalProducerCommits(LocalKafka kafka) {
        String topic = kafka.uniqueTopicName("transactional");
        kafka.createTopic(topic, 1);
        Map<String, Object> props = producerProps(kafka);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueTopicName("tx"));

        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }

        assertThat(consumeValues(kafka, topic, 1)).containsExactly("committed");
    }

    @Test
    void shouldCreateCatalogueTopicsWhenCalledTwice(LocalKafka kafka) throws Exception {
        TopicCatalogue catalogue = TopicCatalogue.withOverrides(Arrays.stream(Topic.values()).collect(
                Collectors.toMap(Topic::configKey, topic -> kafka.uniqueTopicName(topic.defaultName()))));

        kafka.createCatalogueTopics(catalogue, 2);
        kafka.createCatalogueTopics(catalogue, 2);

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(admin.listTopics().names().get(60, TimeUnit.SECONDS)).containsAll(catalogue.all().values());
            Map<Topic, String> cleanupPolicies = Arrays.stream(Topic.values()).collect(Collectors.toMap(
                    Function.identity(), topic -> cleanupPolicy(admin, catalogue.name(topic))));
            assertThat(cleanupPolicies).containsEntry(Topic.SILENCES, "compact")
                    .containsEntry(Topic.NOTIFICATION_LOG, "compact")
                    .containsEntry(Topic.SUMMARIES, "delete");
        }
    }

    @Test
    void shouldReturnDistinctNamesWhenAskedForUniqueTopicNames(LocalKafka kafka) {
        assertThat(kafka.uniqueTopicName("t")).isNotEqualTo(kafka.uniqueTopicName("t"));
    }

    private static String cleanupPolicy(Admin admin, String topic) {
        try {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(60, TimeUnit.SECONDS).get(resource);
            return config.get("cleanup.policy").value();
        } catch (Exception e) {
            throw new AssertionError("cannot describe " + topic, e);
        }
    }

    static Map<String, Object> producerProps(LocalKafka kafka) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    static List<String> consumeValues(LocalKafka kafka, String topic, int expected) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
        }
        return values;
    }
}
