package dev.telemetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console against a real broker: a summary and an alert produced to their topics come back through the
 * HTTP API; an old summary (before now - retention) is not read back; bad parameters are answered 400 naming them.
 */
@ExtendWith(LocalKafkaExtension.class)
class ConsoleIntegrationTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeASummaryAndAnAlertReadFromTheTopics(LocalKafka kafka) throws Exception {
        String summaries = kafka.uniqueTopicName("summaries");
        String alerts = kafka.uniqueTopicName("alerts");
        kafka.createTopic(summaries, 2, Topic.SUMMARIES.creationConfigs());
        kafka.createTopic(alerts, 2, Topic.ALERTS.creationConfigs());
        String notifications = kafka.uniqueTopicName("notifications");
        String dlq = kafka.uniqueTopicName("alerts-dlq");
        String security = kafka.uniqueTopicName("security");
        String ratelimit = kafka.uniqueTopicName("ratelimit");
        kafka.createTopic(notifications, 1, Topic.NOTIFICATIONS.creationConfigs());
        kafka.createTopic(dlq, 1, Topic.ALERTS_DLQ.creationConfigs());
        kafka.createTopic(security, 2, Topic.SECURITY.creationConfigs());
        kafka.createTopic(ratelimit, 2, Topic.RATELIMIT.creationConfigs());
        Instant window = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(60);
        Summary recent = new Summary(1, "shop", "response_ms", "response_ms{endpoint=/api/checkout}",
                Map.of("endpoint", "/api/checkout"), window, window.plusSeconds(60), 4, 10_000, 1000, 4000, 2500,
                2400.0, 3000.0, 3500.0, 3900.0, 3990.0, null);
        Summary tooOld = new Summary(1, "shop", "response_ms", "response_ms{endpoint=/api/old}",
                Map.of("endpoint", "/api/old"), window.minus(Duration.ofHours(7)), window.minus(Duration.ofHours(7)).plusSeconds(60),
                1, 1, 1, 1, 1);
        AlertEvent firing = new AlertEvent(1, "fp-checkout", AlertStatus.FIRING, "checkout_slow", "response_ms", "p95",
                Map.of("alertname", "checkout_slow", "app", "shop"), 3900, 1000, "gt", "critical", List.of(),
                Map.of("summary", "<img src=x onerror=alert(1)>"), window, null, window.plusSeconds(60));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            // Record timestamps decide where the console starts reading: the old one is stamped 7 h ago.
            producer.send(new ProducerRecord<>(summaries, null, tooOld.windowEnd().toEpochMilli(), tooOld.key(), CODEC.write(tooOld))).get();
            producer.send(new ProducerRecord<>(summaries, recent.key(), CODEC.write(recent))).get();
            producer.send(new ProducerRecord<>(alerts, firing.fingerprint(), CODEC.write(firing))).get();
            // The alert sink's and the processor's records, as JSON written by their own types.
            Instant now = Instant.now();
            producer.send(new ProducerRecord<>(notifications, "ops-webhook", CODEC.write(Map.of("receiver", "ops-webhook",
                    "idempotencyKey", "k1", "fingerprint", "fp-checkout", "rule", "checkout_slow", "status", "firing",
                    "attempt", 1, "outcome", "retryable", "reason", "HTTP 503", "latencyMs", 40, "at", now.toString())))).get();
            producer.send(new ProducerRecord<>(notifications, "ops-webhook", CODEC.write(Map.of("receiver", "ops-webhook",
                    "idempotencyKey", "k1", "fingerprint", "fp-checkout", "rule", "checkout_slow", "status", "firing",
                    "attempt", 2, "outcome", "delivered", "latencyMs", 30, "at", now.plusSeconds(1).toString())))).get();
            producer.send(new ProducerRecord<>(dlq, "fp-checkout", CODEC.write(Map.of("receiver", "pager",
                    "reason", "HTTP 400 (permanent)", "idempotencyKey", "k2", "attempts", 1,
                    "firstAttemptAt", now.toString(), "at", now.toString(), "alert", firing)))).get();
            com.fasterxml.jackson.databind.node.ObjectNode data = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                    .objectNode().put("source", "stream-processor").put("class", "xss").put("field", "query")
                    .put("input", "q=<script>alert(1)</script>").put("ip", "203.0.113.9").put("endpoint", "/search");
            dev.telemetry.events.Envelope finding = new dev.telemetry.events.Envelope(1, "f-1", null, "shop", now, now,
                    "203.0.113.9", "ua", new dev.telemetry.events.SecurityEvent("XSS Attempt", data, now.toEpochMilli(), "high"));
            producer.send(new ProducerRecord<>(security, finding.key(), CODEC.writeEnvelope(finding))).get();
            producer.send(new ProducerRecord<>(security, "junk", "{not json".getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
            dev.telemetry.events.derived.RateLimitCount counted = new dev.telemetry.events.derived.RateLimitCount(1, "shop",
                    "203.0.113.9", "/search", window, window.plusSeconds(60), 250, 100, true);
            producer.send(new ProducerRecord<>(ratelimit, counted.key(), CODEC.write(counted))).get();
        }

        ConsoleConfig config = new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                new ConsoleConfig.Kafka(kafka.bootstrapServers(), Duration.ofMillis(200), Duration.ofSeconds(1)),
                Map.of("summaries", summaries, "alerts", alerts, "notifications", notifications, "alerts-dlq", dlq,
                        "security", security, "ratelimit", ratelimit),
                new ConsoleConfig.Views(Duration.ofHours(6), 100, 360, 100, 1000), null, null, null);
        ConsoleConfig.validate(config);
        try (ConsoleServer console = ConsoleServer.start(config)) {
            String base = "http://127.0.0.1:" + console.port();

            await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/api/alerts").body().contains("fp-checkout"));
            JsonNode alertsBody = json(get(base + "/api/alerts?status=firing&app=shop"));
            assertThat(alertsBody.get("count").asInt()).isEqualTo(1);
            JsonNode alert = alertsBody.get("alerts").get(0);
            assertThat(alert.get("status").asText()).isEqualTo("firing");
            assertThat(alert.get("annotations").get("summary").asText()).isEqualTo("<img src=x onerror=alert(1)>");
            assertThat(json(get(base + "/api/alerts?status=resolved")).get("count").asInt()).isZero();
            assertThat(json(get(base + "/api/alerts?app=blog")).get("count").asInt()).isZero();

            await().atMost(Duration.ofSeconds(30)).until(() -> json(get(base + "/api/series?metric=response_ms")).get("count").asInt() == 1);
            JsonNode series = json(get(base + "/api/series?metric=response_ms&app=shop")).get("series").get(0);
            assertThat(series.get("series").asText()).isEqualTo("response_ms{endpoint=/api/checkout}");
            JsonNode w = series.get("windows").get(0);
            assertThat(w.get("windowStart").asText()).isEqualTo(window.toString());
            assertThat(w.get("count").asLong()).isEqualTo(4);
            assertThat(w.get("mean").asDouble()).isEqualTo(2500.0);
            assertThat(w.get("p50").asDouble()).isEqualTo(2400.0);
            assertThat(w.get("p95").asDouble()).isEqualTo(3900.0);
            assertThat(w.get("p99").asDouble()).isEqualTo(3990.0);

            await().atMost(Duration.ofSeconds(30)).until(() -> json(get(base + "/api/ratelimit")).get("count").asInt() == 1
                    && json(get(base + "/api/security")).get("count").asInt() == 1
                    && json(get(base + "/api/deliveries")).get("deadLetterCount").asInt() == 1);
            JsonNode deliveries = json(get(base + "/api/deliveries"));
            assertThat(deliveries.get("receivers").get(0).get("receiver").asText()).isEqualTo("ops-webhook");
            assertThat(deliveries.get("receivers").get(0).get("attempts").asInt()).isEqualTo(2);
            assertThat(deliveries.get("receivers").get(0).get("delivered").asInt()).isEqualTo(1);
            assertThat(deliveries.get("receivers").get(0).get("lastOutcome").asText()).isEqualTo("delivered");
            assertThat(deliveries.get("failures").get(0).get("reason").asText()).isEqualTo("HTTP 503");
            assertThat(deliveries.get("deadLetters").get(0).get("alert").get("fingerprint").asText()).isEqualTo("fp-checkout");
            assertThat(json(get(base + "/api/deliveries?receiver=pager")).get("receivers").get(0).get("deadLetters").asInt()).isEqualTo(1);
            JsonNode securityBody = json(get(base + "/api/security?app=shop"));
            JsonNode f = securityBody.get("findings").get(0);
            assertThat(f.get("ip").asText()).isEqualTo("203.0.113.9");
            assertThat(f.get("endpoint").asText()).isEqualTo("/search");
            assertThat(f.get("input").asText()).isEqualTo("q=<script>alert(1)</script>");
            assertThat(securityBody.get("topIps").get(0).get("ip").asText()).isEqualTo("203.0.113.9");
            assertThat(json(get(base + "/api/ratelimit?exceeded=true&ip=203.0.113.9")).get("counts").get(0).get("count").asLong())
                    .isEqualTo(250);
            assertThat(json(get(base + "/api/ratelimit?exceeded=maybe")).get("parameter").asText()).isEqualTo("exceeded");

            await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/health").statusCode() == 200);
            assertThat(json(get(base + "/health")).get("checks").get("caughtUp").asBoolean()).isTrue();
            HttpResponse<String> metrics = get(base + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("console_records_total").contains("console_series")
                    .contains("console_findings").containsPattern("console_records_unreadable_total\\{[^}]*\\} 1\\.0");

            HttpResponse<String> missing = get(base + "/api/series?app=shop");
            assertThat(missing.statusCode()).isEqualTo(400);
            assertThat(missing.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(json(missing).get("parameter").asText()).isEqualTo("metric");
            HttpResponse<String> badStatus = get(base + "/api/alerts?status=burning");
            assertThat(badStatus.statusCode()).isEqualTo(400);
            assertThat(json(badStatus).get("parameter").asText()).isEqualTo("status");
            assertThat(json(get(base + "/api/alerts?colour=red")).get("parameter").asText()).isEqualTo("colour");

            // Live updates: the stream says hello, then names the alerts view when a new alert arrives.
            HttpResponse<java.util.stream.Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stream"))
                    .header("Accept", "text/event-stream")
                    .GET().build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            java.util.Iterator<String> lines = stream.body().iterator();
            assertThat(lines.next()).isEqualTo("event: hello");
            AlertEvent second = new AlertEvent(1, "fp-second", AlertStatus.PENDING, "checkout_slow", "response_ms", "p95",
                    Map.of("alertname", "checkout_slow", "app", "shop"), 3900, 1000, "gt", "critical", List.of(),
                    Map.of(), window, null, Instant.now());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(alerts, second.fingerprint(), CODEC.write(second))).get();
            }
            java.util.concurrent.CompletableFuture<String> change = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                boolean inChange = false;
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.equals("event: change")) {
                        inChange = true;
                    } else if (inChange && line.startsWith("data: ")) {
                        // Other views may change in the same second (the overview's first offset sample, views
                        // still announcing the records read at start, the first alert among them): wait for an
                        // event naming the alerts after which the API shows the second alert, as a page re-reads.
                        inChange = false;
                        if (line.contains("\"alerts\"") && alertCount(base) == 2) {
                            return line.substring("data: ".length());
                        }
                    }
                }
                return null;
            });
            assertThat(change.get(30, java.util.concurrent.TimeUnit.SECONDS)).startsWith("{\"views\":[").contains("\"alerts\"");
            stream.body().close();
            HttpResponse<String> unknown = get(base + "/api/nope?x=1");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(json(unknown).get("error").asText()).isEqualTo("not_found");
            assertThat(json(unknown).get("path").asText()).isEqualTo("/api/nope");

            HttpResponse<String> page = get(base + "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("telemetry console</title>");
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
            HttpResponse<String> script = get(base + "/js/common.js");
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.body()).contains("textContent").contains("new EventSource('/api/stream')")
                    .doesNotContain("innerHTML").doesNotContain("setInterval");
            HttpResponse<String> uplot = get(base + "/vendor/uplot/dist/uPlot.iife.min.js");
            assertThat(uplot.statusCode()).isEqualTo(200);
            assertThat(uplot.body()).contains("uPlot");
        }
    }

    private int alertCount(String base) {
        try {
            return json(get(base + "/api/alerts")).get("count").asInt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
