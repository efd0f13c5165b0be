package dev.telemetry.alerts;

import dev.telemetry.alerts.notify.log.LogConfig;
import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The sink against a real broker: alerts produced to its topic reach a real HTTP receiver, offsets follow delivery. */
@ExtendWith(LocalKafkaExtension.class)
class AlertSinkIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private LocalKafka kafka;
    private String topic;
    private String groupId;
    private Admin admin;
    private final Map<String, String> journalTopics = new java.util.HashMap<>();

    @BeforeEach
    void createTopic(LocalKafka kafka) {
        this.kafka = kafka;
        topic = kafka.uniqueTopicName("alerts");
        kafka.createTopic(topic, 1);
        for (String key : List.of("notifications", "notification-log", "silences", "alerts-dlq", "group-state")) {
            String name = kafka.uniqueTopicName(key);
            kafka.createTopic(name, 1);
            journalTopics.put(key, name);
        }
        groupId = "alert-sink-it-" + UUID.randomUUID();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @AfterEach
    void closeAdmin() {
        admin.close(Duration.ofSeconds(5));
    }

    private SinkConfig config(RecordingReceiver receiver) {
        SinkConfig config = SinkConfig.defaults();
        for (Map.Entry<String, String> renamed : journalTopics.entrySet()) {
            config = config.withTopic(renamed.getKey(), renamed.getValue());
        }
        return config
                .withKafka(kafka.bootstrapServers())
                .withGroupId(groupId)
                .withTopic("alerts", topic)
                .withHttp("127.0.0.1", 0)
                .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1))
                .withGrouping(dev.telemetry.alerts.dispatch.Grouping.none())
                .withReceivers(List.of(new LogConfig("console"),
                                new WebhookConfig("team", receiver.url("/hook"), Duration.ofSeconds(10), Map.of())),
                        Map.of("#alerts", List.of("team")), List.of("console"));
    }

    private void produce(AlertEvent... alerts) throws Exception {
        try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), JsonSerde.alert().serializer())) {
            for (AlertEvent alert : alerts) {
                producer.send(new ProducerRecord<>(topic, alert.fingerprint(), alert)).get();
            }
        }
    }

    /** The group's committed offset on partition 0, or null before the first commit. */
    private Long committed() throws Exception {
        OffsetAndMetadata offset = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get()
                .get(new TopicPartition(topic, 0));
        return offset == null ? null : offset.offset();
    }

    @Test
    @SuppressWarnings("try") // the sink runs while the body produces and waits
    void shouldDeliverFiringThenResolvedInOrderWhenAlertsArriveOnTheTopic() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver(); AlertSink sink = AlertSink.start(config(receiver))) {
            produce(Alerts.pending("fp-1", List.of("#alerts")), Alerts.firing("fp-1", List.of("#alerts")),
                    Alerts.resolved("fp-1", List.of("#alerts")));

            await().atMost(PATIENCE).until(() -> receiver.requests().size() >= 2);
            await().atMost(PATIENCE).until(() -> Long.valueOf(3).equals(committed()));

            assertThat(receiver.requests()).extracting(r -> r.json().get("status").asText()).containsExactly("firing", "resolved");
            assertThat(receiver.requests()).extracting(r -> r.header("Idempotency-Key")).containsExactly(
                    "fp-1:firing:2024-05-01T10:00:00Z", "fp-1:resolved:2024-05-01T10:00:00Z");
            assertThat(receiver.requests().get(0).json().get("receiver").asText()).isEqualTo("team");
        }
    }

    @Test
    @SuppressWarnings("try") // the sink runs while the body produces and waits
    void shouldCommitOnlyAfterSuccessWhenTheReceiverAnswers503Twice() throws Exception {
        CountDownLatch third = new CountDownLatch(1);
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.status(503), Reply.status(503), Reply.after(third, 200));
             AlertSink sink = AlertSink.start(config(receiver))) {
            produce(Alerts.firing("fp-2", List.of("#alerts")));

            await().atMost(PATIENCE).until(() -> receiver.requests().size() == 3);
            assertThat(committed()).as("nothing committed while the third attempt is in flight").isNull();

            third.countDown();

            await().atMost(PATIENCE).until(() -> Long.valueOf(1).equals(committed()));
            assertThat(receiver.requests()).hasSize(3).extracting(r -> r.header("Idempotency-Key"))
                    .containsOnly("fp-2:firing:2024-05-01T10:00:00Z");
        }
    }

    @Test
    @SuppressWarnings("try") // the second sink runs while the body waits
    void shouldCloseWithinSecondsAndRedeliverAfterRestartWhenTheReceiverIsStillFailing() throws Exception {
        try (RecordingReceiver failing = new RecordingReceiver(Reply.withHeader(503, "Retry-After", "300"));
             RecordingReceiver healthy = new RecordingReceiver()) {
            AlertSink first = AlertSink.start(config(failing));
            produce(Alerts.firing("fp-3", List.of("#alerts")));
            await().atMost(PATIENCE).until(() -> failing.requests().size() == 1);

            long closing = System.nanoTime();
            first.close();

            assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(10));
            assertThat(committed()).isNull();

            try (AlertSink second = AlertSink.start(config(healthy))) {
                await().atMost(PATIENCE).until(() -> Long.valueOf(1).equals(committed()));
                assertThat(healthy.requests()).extracting(r -> r.header("Idempotency-Key"))
                        .containsExactly("fp-3:firing:2024-05-01T10:00:00Z");
            }
        }
    }
}
