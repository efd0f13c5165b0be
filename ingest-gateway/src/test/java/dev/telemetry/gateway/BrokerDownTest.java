package dev.telemetry.gateway;

import static dev.telemetry.gateway.testing.GatewayFixture.post;
import static dev.telemetry.gateway.testing.GatewayFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.gateway.testing.GatewayFixture;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway with its own broker, which the test stops and restarts on the same port and data
 * directory: while it is down every request is refused quickly and honestly, afterwards the same
 * gateway recovers by itself, and every event that was acknowledged is in Kafka.
 */
class BrokerDownTest {

    private static final String KEY = "down-key";

    @Test
    void shouldAnswer503QuicklyAndRecoverWithoutRestartWhenTheBrokerStopsAndReturns(@TempDir Path dir) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Path data = dir.resolve("kafka");
        LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(data).brokerPort(port).controllerPort(controllerPort).build().start();
        String topic = "down-metrics";
        broker.createTopic(topic, 1, Map.of());
        Set<String> acknowledged = new LinkedHashSet<>();
        AtomicInteger sequence = new AtomicInteger();
        // The shipped producer timeouts (max-block 1s, delivery-timeout 1500ms) are what is under test.
        try (GatewayServer gateway = GatewayServer.start(GatewayFixture.config(dir, Map.of("metrics", topic), """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: down}]
                """.formatted(broker.bootstrapServers(), KEY)))) {
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = postMetric(gateway, sequence.incrementAndGet());
                assertThat(response.statusCode()).isEqualTo(202);
                acknowledged.addAll(GatewayFixture.eventIds(response));
            }

            broker.close();
            for (int i = 0; i < 10; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> response = postMetric(gateway, sequence.incrementAndGet());
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(response.statusCode()).as("request %d while the broker is down", i).isEqualTo(503);
                assertThat(response.headers().firstValue("Retry-After")).as("Retry-After").hasValueSatisfying(
                        v -> assertThat(Integer.parseInt(v)).isPositive());
                assertThat(took).as("time to answer request %d", i).isLessThan(Duration.ofSeconds(2));
            }
            HttpResponse<String> degraded = send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/api/health")).build());
            assertThat(degraded.statusCode()).isEqualTo(503);
            assertThat(GatewayFixture.json(degraded).get("checks").get("kafka").asBoolean()).isFalse();

            broker = LocalKafkaBroker.builder().dataDir(data).brokerPort(port).controllerPort(controllerPort).build().start();
            // The same gateway, not restarted: its producer reconnects. Until it has, 503 is the only other answer.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> response = postMetric(gateway, sequence.incrementAndGet());
                assertThat(response.statusCode()).isIn(202, 503);
                if (response.statusCode() == 202) {
                    acknowledged.addAll(GatewayFixture.eventIds(response));
                }
                assertThat(response.statusCode()).isEqualTo(202);
            });
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> response = postMetric(gateway, sequence.incrementAndGet());
                assertThat(response.statusCode()).isEqualTo(202);
                acknowledged.addAll(GatewayFixture.eventIds(response));
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/api/health")).build()).statusCode()).isEqualTo(200));

            List<Envelope> stored = GatewayFixture.readUntil(broker.bootstrapServers(), List.of(topic),
                    read -> read.stream().map(Envelope::eventId).toList().containsAll(acknowledged), Duration.ofSeconds(60));
            assertThat(stored).extracting(Envelope::eventId).containsAll(acknowledged);
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(11);
        } finally {
            broker.close();
        }
    }

    private static HttpResponse<String> postMetric(GatewayServer gateway, int n) throws Exception {
        byte[] body = ("{\"name\":\"down_test\",\"value\":" + n + "}").getBytes(StandardCharsets.UTF_8);
        return send(post(gateway.port(), "/api/metrics", "application/json", body).header("X-Telemetry-Key", KEY).build());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
