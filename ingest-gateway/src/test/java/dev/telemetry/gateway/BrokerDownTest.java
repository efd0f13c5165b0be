package dev.telemetry.gateway;

import static dev.telemetry.gateway.testing.GatewayFixture.post;
import static dev.telemetry.gateway.testing.GatewayFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.gateway.testing.GatewayFixture;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import dev.telemetry.kafka.local.LocalKafkaMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
                assertRefusedWithin2s(() -> postMetric(gateway, sequence.incrementAndGet()), "request " + i + " while the broker is down");
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

    @Test
    void shouldAnswer503WithinMaxBlockWhenTheProducersBufferIsFull(@TempDir Path dir) throws Exception {
        // A broker in its own JVM, frozen with SIGSTOP: its connections stay open, so the producer keeps
        // its metadata and waits for acknowledgements that do not come. A broker that is stopped instead
        // drops the connections, and Kafka's client then forgets the topic (rebootstrap): a metadata
        // timeout, which the other test covers.
        int port = freePort();
        Path log = dir.resolve("broker.log");
        Process broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), LocalKafkaMain.class.getName(),
                "--data-dir", dir.resolve("kafka").toString(), "--port", String.valueOf(port),
                "--controller-port", String.valueOf(freePort()), "--partitions", "1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        GatewayServer gateway = null;
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> Files.readString(log).contains("Kafka broker ready"));
            // A buffer of three 16 KB batches, and a request timeout longer than the test, so that what the
            // producer holds cannot drain and every further send waits max-block for space.
            gateway = GatewayServer.start(GatewayFixture.config(dir, Map.of(), """
                    http: {host: 127.0.0.1, port: 0}
                    kafka: {bootstrap-servers: "127.0.0.1:%d", max-block: 500ms, request-timeout: 60s, delivery-timeout: 61s,
                            batch-size-bytes: 16384, buffer-memory-bytes: 49152, compression: none}
                    keys: [{key: %s, app: full}]
                    """.formatted(port, KEY)));
            assertThat(postErrors(gateway, 1).statusCode()).as("metadata is known before the broker freezes").isEqualTo(202);
            signal(broker, "STOP");

            for (int i = 0; i < 3; i++) {
                // Five errors with 12 KB stacks: ~60 KB, more than the whole buffer.
                GatewayServer full = gateway;
                assertRefusedWithin2s(() -> postErrors(full, 5), "request " + i + " with a full buffer");
            }
            // The 503s were the full buffer, not a timeout: operators can tell the two apart.
            HttpResponse<String> metrics = send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/metrics")).build());
            assertThat(counter(metrics.body(), "ingest_publish_failures_total", "reason=\"buffer_full\"")).isEqualTo(3.0);
            assertThat(counter(metrics.body(), "ingest_publish_failures_total", "reason=\"timeout\"")).isZero();

            // Thawed, the broker takes what was buffered and the same gateway accepts again.
            signal(broker, "CONT");
            GatewayServer thawed = gateway;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> postErrors(thawed, 1).statusCode() == 202);
        } finally {
            signal(broker, "CONT");
            if (gateway != null) {
                gateway.close();
            }
            broker.destroy();
            broker.waitFor();
        }
    }

    interface Call {
        HttpResponse<String> send() throws Exception;
    }

    /** 503 with a positive Retry-After, answered within 2 s: how the gateway refuses what Kafka cannot take. */
    private static void assertRefusedWithin2s(Call call, String what) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> response = call.send();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(response.statusCode()).as("%s: status", what).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).as("%s: Retry-After", what).hasValueSatisfying(
                v -> assertThat(Integer.parseInt(v)).isPositive());
        assertThat(took).as("%s: time to answer", what).isLessThan(Duration.ofSeconds(2));
    }

    private static void signal(Process process, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
    }

    private static HttpResponse<String> postErrors(GatewayServer gateway, int count) throws Exception {
        String stack = "at app.js:1:1\\n".repeat(12 * 1024 / 15);
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "" : ",").append("{\"message\":\"boom ").append(i).append("\",\"stack\":\"").append(stack).append("\"}");
        }
        byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
        return send(post(gateway.port(), "/api/errors", "application/json", bytes).header("X-Telemetry-Key", KEY).build());
    }

    /** The value of one sample of a Prometheus counter, found by name and one label. */
    private static double counter(String scrape, String name, String label) {
        return scrape.lines().filter(l -> l.startsWith(name + "{") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
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
