package dev.telemetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's {@code /health} follows the broker: a console started before it says degraded ({@code kafka}
 * false) and turns healthy by itself once the broker is up — with no topics yet, since a topic that does not exist
 * holds nothing to catch up on — then reads what is written, says degraded while the broker is away again, and
 * recovers when it returns, its views intact.
 */
class ConsoleHealthIntegrationTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldTurnHealthyWhenTheBrokerComesUpAfterTheConsoleAndRecoverAfterAnOutage(@TempDir Path dir) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Path data = dir.resolve("kafka");
        ConsoleConfig config = new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                new ConsoleConfig.Kafka(LocalKafkaBroker.HOST + ":" + port, Duration.ofMillis(200), Duration.ofSeconds(1)),
                Map.of(), new ConsoleConfig.Views(Duration.ofHours(6), 100, 360, 100, 1000), null, null, null);
        ConsoleConfig.validate(config);

        try (ConsoleServer console = ConsoleServer.start(config)) {
            String base = "http://127.0.0.1:" + console.port();
            // No broker: degraded, the broker named as the reason, nothing caught up.
            HttpResponse<String> before = get(base + "/health");
            assertThat(before.statusCode()).isEqualTo(503);
            JsonNode checks = json(before).get("checks");
            assertThat(checks.get("kafka").asBoolean()).isFalse();
            assertThat(checks.get("caughtUp").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(60)).until(() -> json(get(base + "/health")).path("details").has("lastError"));

            LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(data).brokerPort(port).controllerPort(controllerPort)
                    .build().start();
            try {
                // The same console, not restarted; no topic exists yet.
                awaitHealthy(base);
                JsonNode healthy = json(get(base + "/health"));
                assertThat(healthy.get("checks").get("kafka").asBoolean()).isTrue();
                assertThat(healthy.get("checks").get("consumer").asBoolean()).isTrue();
                assertThat(healthy.get("checks").get("caughtUp").asBoolean()).isTrue();
                assertThat(healthy.path("details").has("lastError")).isFalse();

                // The topics appear and an alert is written: picked up within a metadata refresh.
                broker.createTopics(TopicCatalogue.defaults(), 2);
                send(broker, alert("fp-after-start"));
                await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/api/alerts").body().contains("fp-after-start"));
                awaitHealthy(base);
            } finally {
                broker.close();
            }

            // The broker goes away: degraded, the views kept.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                HttpResponse<String> h = get(base + "/health");
                return h.statusCode() == 503 && !json(h).get("checks").get("kafka").asBoolean();
            });
            assertThat(get(base + "/api/alerts").body()).contains("fp-after-start");

            // It returns on the same data: healthy again, and a new alert is read.
            broker = LocalKafkaBroker.builder().dataDir(data).brokerPort(port).controllerPort(controllerPort).build().start();
            try {
                awaitHealthy(base);
                send(broker, alert("fp-after-outage"));
                await().atMost(Duration.ofSeconds(60)).until(() -> get(base + "/api/alerts").body().contains("fp-after-outage"));
            } finally {
                broker.close();
            }
        }
    }

    private void awaitHealthy(String base) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> get(base + "/health").statusCode() == 200);
    }

    private static AlertEvent alert(String fingerprint) {
        Instant now = Instant.now();
        return new AlertEvent(1, fingerprint, AlertStatus.FIRING, "checkout_slow", "response_ms", "p95",
                Map.of("alertname", "checkout_slow", "app", "shop"), 3900, 1000, "gt", "critical", List.of(),
                Map.of(), now.minusSeconds(60), null, now);
    }

    private static void send(LocalKafkaBroker broker, AlertEvent alert) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.ALERTS.defaultName(), alert.fingerprint(), CODEC.write(alert))).get();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
