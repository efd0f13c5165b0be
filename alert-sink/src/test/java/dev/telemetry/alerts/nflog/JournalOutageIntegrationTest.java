package dev.telemetry.alerts.nflog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal with the broker away and back (issue 13): a delivery whose notification-log entry
 * cannot be written no longer stops consumption; health is degraded meanwhile, the offset waits,
 * and once the broker is back (same data, same ports) the sink recovers by itself, without
 * delivering anything twice or skipping anything. The test owns its broker, since it stops it.
 */
class JournalOutageIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static LocalKafkaBroker broker(Path dir, int port, int controllerPort) {
        return LocalKafkaBroker.builder().dataDir(dir).brokerPort(port).controllerPort(controllerPort).build().start();
    }

    private static void produce(String bootstrap, String topic, AlertEvent alert) throws Exception {
        try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), JsonSerde.alert().serializer())) {
            producer.send(new ProducerRecord<>(topic, alert.fingerprint(), alert)).get();
        }
    }

    private static Long committed(String bootstrap, String groupId, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return offset == null ? null : offset.offset();
        }
    }

    private static String health(AlertSink sink) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    @SuppressWarnings("try") // the sink runs while the body stops and starts the broker
    void shouldHoldTheOffsetReportDegradedAndRecoverWithoutRepeatsWhenTheBrokerIsAwayAfterADelivery(@TempDir Path dir)
            throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        LocalKafkaBroker broker = broker(dir, port, controllerPort);
        String bootstrap = broker.bootstrapServers();
        CountDownLatch answer = new CountDownLatch(1);
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.after(answer, 200))) {
            SinkConfig config = SinkConfig.defaults().withKafka(bootstrap).withGroupId("journal-outage").withHttp("127.0.0.1", 0)
                    .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1)).withGrouping(dev.telemetry.alerts.dispatch.Grouping.none())
                    .withReceivers(List.of(new WebhookConfig("team", receiver.url("/hook"), Duration.ofSeconds(30), Map.of())),
                            Map.of(), List.of("team"));
            broker.createTopics(config.topicCatalogue(), 1);
            String topic = config.topicCatalogue().name(Topic.ALERTS);
            try (AlertSink sink = AlertSink.start(config)) {
                produce(bootstrap, topic, Alerts.firing("fp-1", List.of()));
                await().atMost(PATIENCE).until(() -> receiver.requests().size() == 1);

                // The receiver answers only once the broker is gone: the notification log cannot be written.
                broker.close();
                answer.countDown();
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(health(sink)).contains("\"journal_written\":false")
                        .contains("\"kafka_consumer_running\":true").contains("\"status\":\"degraded\""));

                broker = broker(dir, port, controllerPort);
                await().atMost(PATIENCE).until(() -> Long.valueOf(1).equals(committed(bootstrap, "journal-outage", topic)));
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(health(sink)).contains("\"journal_written\":true"));

                produce(bootstrap, topic, Alerts.firing("fp-2", List.of()));
                await().atMost(PATIENCE).until(() -> Long.valueOf(2).equals(committed(bootstrap, "journal-outage", topic)));
                assertThat(receiver.requests()).extracting(r -> r.header("Idempotency-Key"))
                        .containsExactly("fp-1:firing:2024-05-01T10:00:00Z", "fp-2:firing:2024-05-01T10:00:00Z");
            }
            // A new instance reads the notification log the first one wrote after the outage: nothing to send again.
            try (AlertSink again = AlertSink.start(config.withGroupId("journal-outage-replay"))) {
                await().atMost(PATIENCE).until(() -> Long.valueOf(2).equals(committed(bootstrap, "journal-outage-replay", topic)));
                assertThat(receiver.requests()).as("the log says the receiver has both").hasSize(2);
            }
        } finally {
            broker.close();
        }
    }
}
