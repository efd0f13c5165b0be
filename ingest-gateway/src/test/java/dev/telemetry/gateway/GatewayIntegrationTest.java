package dev.telemetry.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.EventType;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.gateway.testing.GatewayFixture;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The gateway over real HTTP in front of a real broker. */
@ExtendWith(LocalKafkaExtension.class)
class GatewayIntegrationTest {

    private static final String KEY = "test-key";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonCodec CODEC = JsonCodec.standard();

    private static GatewayServer gateway;
    private static TopicCatalogue topics;
    private static String bootstrap;

    @BeforeAll
    static void startGateway(LocalKafka kafka, @TempDir Path dir) throws Exception {
        bootstrap = kafka.bootstrapServers();
        String vitals = kafka.uniqueTopicName("vitals");
        String metrics = kafka.uniqueTopicName("metrics");
        String errors = kafka.uniqueTopicName("errors");
        kafka.createTopic(vitals, 1);
        kafka.createTopic(metrics, 1);
        kafka.createTopic(errors, 1);
        topics = TopicCatalogue.withOverrides(Map.of("vitals", vitals, "metrics", metrics, "errors", errors));
        gateway = GatewayServer.start(config(dir, bootstrap, "8s", "2s"));
    }

    /** A user config file as an operator would write it, layered over the shipped defaults. */
    static GatewayConfig config(Path dir, String bootstrapServers, String deliveryTimeout, String maxBlock) throws Exception {
        String yaml = """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s", delivery-timeout: %s, request-timeout: 1s, max-block: %s}
                topics: {vitals: %s, metrics: %s, errors: %s}
                keys: [{key: %s, app: shop}]
                limits: {body-bytes: 65536, items-per-batch: 50}
                """.formatted(bootstrapServers, deliveryTimeout, maxBlock,
                topics.name(Topic.VITALS), topics.name(Topic.METRICS), topics.name(Topic.ERRORS), KEY);
        Path file = Files.writeString(dir.resolve("gateway-" + UUID.randomUUID() + ".yaml"), yaml);
        return GatewayConfig.load(new String[] {"--config", file.toString()}, Map.of());
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldAcknowledgeAndStoreTheSeedsVitalWhenKeyIsValid() throws Exception {
        // The exact body of the seed's sendToAnalytics(metric).
        String body = "{\"name\":\"LCP\",\"value\":2451.3,\"id\":\"v3-1764237600000-8812\",\"navigationType\":\"navigate\"}";

        HttpResponse<String> response = post("/api/analytics/vitals", "application/json", body, KEY);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(1);
        Envelope stored = readOne(topics.name(Topic.VITALS), "v3-1764237600000-8812");
        assertThat(stored.app()).isEqualTo("shop");
        assertThat(stored.clientIp()).isEqualTo("127.0.0.1");
        // The test's client (Java's HttpClient) is no phone or tablet: the gateway derives "desktop" from its user agent.
        assertThat(stored.event()).isEqualTo(new VitalEvent("LCP", 2451.3, "v3-1764237600000-8812", "navigate", null, null, null, null, null,
                null, "desktop", null));
    }

    @Test
    void shouldKeepValidItemsAndNameTheBadOnesWhenABatchIsPartlyInvalid() throws Exception {
        String body = "[{\"name\":\"cart_ms\",\"value\":12,\"timestamp\":1764237600000},"
                + "{\"name\":\"cart_ms\",\"value\":\"slow\"},"
                + "{\"name\":\"cart_ms\",\"value\":30,\"tags\":{\"run\":\"partial\"}}]";

        HttpResponse<String> response = post("/api/metrics", "application/json", body, KEY);

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode result = json(response);
        assertThat(result.get("accepted").asInt()).isEqualTo(2);
        assertThat(result.get("rejected")).hasSize(1);
        assertThat(result.get("rejected").get(0).get("index").asInt()).isEqualTo(1);
        assertThat(result.get("rejected").get(0).get("field").asText()).isEqualTo("value");
        assertThat(result.get("rejected").get(0).get("message").asText()).isEqualTo("must be a number, got a string");
        Envelope stored = readOne(topics.name(Topic.METRICS), "partial");
        assertThat(((MetricEvent) stored.event()).value()).isEqualTo(30);
    }

    @Test
    void shouldAcceptABeaconWhenKeyIsInTheQueryString() throws Exception {
        String body = "{\"name\":\"CLS\",\"value\":0.02,\"id\":\"beacon-1\",\"navigationType\":\"navigate\"}";
        HttpRequest request = HttpRequest.newBuilder(uri("/api/analytics/vitals?key=" + KEY))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();

        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(readOne(topics.name(Topic.VITALS), "beacon-1").event().eventType()).isEqualTo(EventType.VITAL);
    }

    @Test
    void shouldRefuseWith401WhenKeyIsMissingOrUnknown() throws Exception {
        String body = "{\"name\":\"m\",\"value\":1}";
        HttpResponse<String> missing = post("/api/metrics", "application/json", body, null);
        HttpResponse<String> unknown = post("/api/metrics", "application/json", body, "nope");

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json(missing).get("message").asText()).contains("X-Telemetry-Key");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(json(unknown).get("message").asText()).isEqualTo("unknown ingest key");
    }

    @Test
    void shouldAnswer400WithEveryReasonWhenNoItemIsValid() throws Exception {
        HttpResponse<String> response = post("/api/metrics", "application/json", "[{\"value\":1},{\"name\":\"m\",\"value\":NaN}]", KEY);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("message").asText()).contains("NaN and Infinity");

        HttpResponse<String> invalid = post("/api/metrics", "application/json", "[{\"value\":1},{\"name\":\"m\"}]", KEY);
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).get("rejected")).hasSize(2);
        assertThat(json(invalid).get("rejected").get(0).get("field").asText()).isEqualTo("name");
        assertThat(json(invalid).get("rejected").get(1).get("field").asText()).isEqualTo("value");
    }

    @Test
    void shouldAnswer415WhenContentTypeIsNotAccepted() throws Exception {
        HttpResponse<String> response = post("/api/metrics", "application/xml", "<metric/>", KEY);
        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(json(response).get("error").asText()).isEqualTo("unsupported_media_type");
    }

    @Test
    void shouldAnswer413WhenBodyOrBatchIsTooLarge() throws Exception {
        String big = "{\"name\":\"m\",\"value\":1,\"tags\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}";
        assertThat(post("/api/metrics", "application/json", big, KEY).statusCode()).isEqualTo(413);

        List<String> items = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            items.add("{\"name\":\"m\",\"value\":" + i + "}");
        }
        HttpResponse<String> batch = post("/api/metrics", "application/x-ndjson", String.join("\n", items), KEY);
        assertThat(batch.statusCode()).isEqualTo(413);
        assertThat(json(batch).get("message").asText()).contains("51 events").contains("50");
    }

    @Test
    void shouldRecordAServerErrorWhenANetworkErrorIs5xx() throws Exception {
        HttpResponse<String> response = post("/api/network-errors", "application/json",
                "{\"url\":\"/api/unique-5xx\",\"status\":502,\"method\":\"GET\",\"duration\":120}", KEY);
        assertThat(response.statusCode()).isEqualTo(202);
        Envelope derived = readOne(topics.name(Topic.ERRORS), "Server Error: 502 on GET /api/unique-5xx");
        assertThat(derived.type()).isEqualTo(EventType.ERROR);
    }

    @Test
    void shouldReportHealthyWhenKafkaIsReachable() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/api/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode health = json(response);
        assertThat(health.get("status").asText()).isEqualTo("healthy");
        assertThat(health.get("checks").get("kafka").asBoolean()).isTrue();
        assertThat(health.get("metrics").has("uptime")).isTrue();
    }

    @Test
    void shouldExposePrometheusMetricsIncludingTheProducers() throws Exception {
        post("/api/metrics", "application/json", "{\"name\":\"m\",\"value\":1}", KEY);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("ingest_events_total{").contains("kafka_producer_");
    }

    @Test
    void shouldAnswer503WithRetryAfterQuicklyWhenKafkaIsUnreachable(@TempDir Path dir) throws Exception {
        // Nothing listens on this port: the producer can never get metadata.
        try (GatewayServer orphan = GatewayServer.start(config(dir, "127.0.0.1:1", "2s", "1s"))) {
            long t0 = System.nanoTime();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orphan.port() + "/api/metrics"))
                    .header("Content-Type", "application/json").header("X-Telemetry-Key", KEY)
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"m\",\"value\":1}")).build();

            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        }
    }

    private static HttpResponse<String> post(String path, String contentType, String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-Telemetry-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the topic from the start until a record whose JSON contains {@code marker} arrives. */
    private static Envelope readOne(String topic, String marker) {
        Predicate<Envelope> marked = envelope -> new String(CODEC.writeEnvelope(envelope), StandardCharsets.UTF_8)
                .contains(marker);
        return GatewayFixture.readUntil(bootstrap, List.of(topic), read -> read.stream().anyMatch(marked),
                Duration.ofSeconds(60)).stream().filter(marked).findFirst().orElseThrow();
    }
}
