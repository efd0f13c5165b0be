package dev.telemetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The overview, web vitals and metrics API against a real broker: events appended to the raw topics are counted as
 * accepted (those from before the console started too), a consumer group's committed offsets give the processor's
 * lag, services' health comes from their URLs, and summaries feed the vitals and the metrics catalogue.
 */
@ExtendWith(LocalKafkaExtension.class)
class OverviewIntegrationTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldShowAcceptedEventsProcessorLagServicesAlertsVitalsAndMetrics(LocalKafka kafka) throws Exception {
        // Every raw topic renamed (the broker is shared); only vitals and requests exist: the others are skipped.
        Map<String, String> topics = new LinkedHashMap<>();
        for (Topic topic : Topic.values()) {
            topics.put(topic.configKey(), kafka.uniqueTopicName("overview-" + topic.configKey()));
        }
        String vitals = topics.get("vitals");
        String requests = topics.get("requests");
        kafka.createTopic(vitals, 2, Topic.VITALS.creationConfigs());
        kafka.createTopic(requests, 2, Topic.REQUESTS.creationConfigs());
        kafka.createTopic(topics.get("summaries"), 1, Topic.SUMMARIES.creationConfigs());
        kafka.createTopic(topics.get("alerts"), 1, Topic.ALERTS.creationConfigs());
        String group = "overview-processor-" + UUID.randomUUID();

        HttpServer gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/api/health", exchange -> {
            byte[] body = "{\"status\":\"healthy\",\"checks\":{\"kafka\":true}}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        gateway.start();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        Instant window = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(60);
        try (KafkaProducer<String, byte[]> producer = producer(kafka);
             KafkaConsumer<byte[], byte[]> processor = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.GROUP_ID_CONFIG, group,
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // Three events accepted before the console starts: counted from the offsets at the bucket's start.
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(vitals, i % 2, null, "e" + i, "{}".getBytes(StandardCharsets.UTF_8))).get();
            }
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(requests, 0, null, "r" + i, "{}".getBytes(StandardCharsets.UTF_8))).get();
            }
            // The "processor" read 4 of the 10 requests and committed: 6 behind.
            TopicPartition p0 = new TopicPartition(requests, 0);
            TopicPartition p1 = new TopicPartition(requests, 1);
            processor.commitSync(Map.of(p0, new OffsetAndMetadata(4), p1, new OffsetAndMetadata(0)));
            producer.send(new ProducerRecord<>(topics.get("summaries"), "k", CODEC.write(lcp("shop", "/checkout", window, 3100)))).get();
            producer.send(new ProducerRecord<>(topics.get("summaries"), "k2", CODEC.write(lcp("shop", "/", window, 1200)))).get();
            producer.send(new ProducerRecord<>(topics.get("summaries"), "k3", CODEC.write(response("/api/checkout", window)))).get();
            producer.send(new ProducerRecord<>(topics.get("summaries"), "k4", CODEC.write(response("/api/cart", window)))).get();

            ConsoleConfig config = new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                    new ConsoleConfig.Kafka(kafka.bootstrapServers(), Duration.ofMillis(200), Duration.ofSeconds(1)), topics,
                    new ConsoleConfig.Views(Duration.ofHours(6), 100, 360, 100, 1000),
                    new ConsoleConfig.Services("http://127.0.0.1:" + gateway.getAddress().getPort(), "", "http://127.0.0.1:" + closedPort, ""),
                    null, null,
                    new ConsoleConfig.Overview(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMillis(500),
                            Duration.ofMinutes(1), 60, group));
            ConsoleConfig.validate(config);
            try (ConsoleServer console = ConsoleServer.start(config)) {
                String base = "http://127.0.0.1:" + console.port();

                await().atMost(Duration.ofSeconds(60)).until(() -> acceptedOf(json(get(base + "/api/overview")), "vitals") == 3
                        && json(get(base + "/api/overview")).get("lag").get("total").asLong() == 6);
                JsonNode overview = json(get(base + "/api/overview"));
                JsonNode lag = overview.get("lag");
                assertThat(lag.get("group").asText()).isEqualTo(group);
                assertThat(lag.get("committedPartitions").asInt()).isEqualTo(2);
                assertThat(lag.get("topics").get(0).get("topic").asText()).isEqualTo(requests);
                assertThat(lag.get("topics").get(0).get("partitions").asInt()).isEqualTo(2);
                assertThat(lag.get("error").isNull()).isTrue();
                assertThat(acceptedOf(overview, "requests")).isEqualTo(10);
                assertThat(overview.get("accepted").get("bucketSeconds").asInt()).isEqualTo(60);
                assertThat(overview.get("accepted").get("topics").get("vitals").asText()).isEqualTo(vitals);
                assertThat(overview.get("accepted").get("error").isNull()).isTrue();

                // New events are counted live; the processor catches up.
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(vitals, i % 2, null, "n" + i, "{}".getBytes(StandardCharsets.UTF_8))).get();
                }
                processor.commitSync(Map.of(p0, new OffsetAndMetadata(10)));
                await().atMost(Duration.ofSeconds(60)).until(() -> acceptedOf(json(get(base + "/api/overview")), "vitals") == 8
                        && json(get(base + "/api/overview")).get("lag").get("total").asLong() == 0);

                // Services: the gateway's /api/health answers, the processor is not configured, the sink is away.
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        json(get(base + "/api/overview")).get("services").get(2).get("status").asText().equals("down"));
                JsonNode services = json(get(base + "/api/overview")).get("services");
                assertThat(services.get(0).get("name").asText()).isEqualTo("gateway");
                assertThat(services.get(0).get("status").asText()).isEqualTo("healthy");
                assertThat(services.get(0).get("latencyMs").asDouble()).isPositive();
                assertThat(services.get(1).get("status").asText()).isEqualTo("not configured");
                assertThat(services.get(2).get("lastError").asText()).isEqualTo("connection refused");

                // A firing alert and the budgets.
                producer.send(new ProducerRecord<>(topics.get("alerts"), "fp-slow", CODEC.write(new AlertEvent(1, "fp-slow",
                        AlertStatus.FIRING, "checkout_slow", "response_time", "p95", Map.of("alertname", "checkout_slow", "app", "shop"),
                        2400, 1000, "gt", "high", List.of(), Map.of("summary", "Checkout is slow"), window, null, window.plusSeconds(60))))).get();
                await().atMost(Duration.ofSeconds(30)).until(() -> json(get(base + "/api/overview")).get("alerts").get("firing").asInt() == 1);
                overview = json(get(base + "/api/overview"));
                assertThat(overview.get("alerts").get("firingAlerts").get(0).get("rule").asText()).isEqualTo("checkout_slow");
                JsonNode budgets = overview.get("budgets");
                assertThat(budgets.get("pages").asInt()).isEqualTo(2);
                assertThat(budgets.get("over").asInt()).isEqualTo(1);
                JsonNode worst = budgets.get("shown").get(0);
                assertThat(worst.get("page").asText()).isEqualTo("/checkout");
                assertThat(worst.get("vitals").get(0).get("status").asText()).isEqualTo("over");
                assertThat(worst.get("vitals").get(0).get("budget").asDouble()).isEqualTo(2500.0);

                // Web vitals and the metrics catalogue, from the same summaries.
                JsonNode vitalsBody = json(get(base + "/api/vitals?app=shop&vital=LCP"));
                assertThat(vitalsBody.get("pages")).extracting(JsonNode::asText).containsExactly("/", "/checkout");
                JsonNode lcp = vitalsBody.get("vitals").get(0);
                assertThat(lcp.get("vital").asText()).isEqualTo("LCP");
                assertThat(lcp.get("series")).hasSize(2);
                assertThat(lcp.get("latest").get("good").asLong()).isEqualTo(6);
                assertThat(lcp.get("latest").get("poor").asLong()).isEqualTo(2);
                JsonNode catalogue = json(get(base + "/api/metrics"));
                assertThat(catalogue.get("apps")).extracting(JsonNode::asText).containsExactly("shop");
                JsonNode rt = catalogue.get("metrics").get(1);
                assertThat(rt.get("metric").asText()).isEqualTo("response_time");
                assertThat(rt.get("labels").get("endpoint")).extracting(JsonNode::asText).containsExactly("/api/cart", "/api/checkout");
                JsonNode filtered = json(get(base + "/api/series?metric=response_time&label.endpoint="
                        + URLEncoder.encode("/api/checkout", StandardCharsets.UTF_8)));
                assertThat(filtered.get("count").asInt()).isEqualTo(1);
                assertThat(filtered.get("series").get(0).get("labels").get("endpoint").asText()).isEqualTo("/api/checkout");

                // Bad requests name the parameter.
                assertThat(badParameter(base + "/api/vitals?vital=XYZ")).isEqualTo("vital");
                assertThat(badParameter(base + "/api/overview?app=shop")).isEqualTo("app");
                assertThat(badParameter(base + "/api/metrics?metric=x")).isEqualTo("metric");
                assertThat(badParameter(base + "/api/series?metric=response_time&label.=x")).isEqualTo("label.");
                assertThat(badParameter(base + "/api/series?metric=response_time&labels=x")).isEqualTo("labels");
            }
        } finally {
            gateway.stop(0);
        }
    }

    private static long acceptedOf(JsonNode overview, String type) {
        long n = 0;
        for (JsonNode bucket : overview.get("accepted").get("buckets")) {
            n += bucket.get("byType").path(type).asLong(0);
        }
        return n;
    }

    private static Summary lcp(String app, String page, Instant start, double p75) {
        return new Summary(1, app, "LCP", "LCP{page=" + page + "}", Map.of("page", page), start, start.plusSeconds(60), 10,
                p75 * 10, p75 / 2, p75 * 2, p75, p75 * 0.9, p75, p75 * 1.1, p75 * 1.2, p75 * 1.3, new Summary.Ratings(3, 1, 1));
    }

    private static Summary response(String endpoint, Instant start) {
        return new Summary(1, "shop", "response_time", "response_time{endpoint=" + endpoint + "}", Map.of("endpoint", endpoint),
                start, start.plusSeconds(60), 4, 400, 50, 150, 100, 90.0, 100.0, 120.0, 140.0, 150.0, null);
    }

    private static KafkaProducer<String, byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    private String badParameter(String url) throws Exception {
        HttpResponse<String> response = get(url);
        assertThat(response.statusCode()).as(url).isEqualTo(400);
        return json(response).get("parameter").asText();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
