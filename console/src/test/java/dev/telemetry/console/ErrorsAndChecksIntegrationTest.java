package dev.telemetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.SeriesKeys;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.errors.ErrorFingerprint;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The errors, synthetic and security APIs against a real broker: raw errors and check results, the processor's
 * summaries and alerts produced to their topics come back joined through {@code /api/errors} and
 * {@code /api/synthetic}, with client text exactly as sent; bad parameters are 400 naming them; the live stream names
 * the errors view when an error arrives.
 */
@ExtendWith(LocalKafkaExtension.class)
class ErrorsAndChecksIntegrationTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private static final String XSS = "<img src=x onerror=\"window.__xss=1\">";
    private static final String STACK = "TypeError: boom\n    at <svg onload=alert(1)> (https://shop.example/app.js:10:5)";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeErrorsChecksAndFindingsReadFromTheTopics(LocalKafka kafka) throws Exception {
        Map<String, String> topics = Map.of(
                "summaries", kafka.uniqueTopicName("summaries"), "alerts", kafka.uniqueTopicName("alerts"),
                "errors", kafka.uniqueTopicName("errors"), "synthetic", kafka.uniqueTopicName("synthetic"),
                "security", kafka.uniqueTopicName("security"), "ratelimit", kafka.uniqueTopicName("ratelimit"),
                "notifications", kafka.uniqueTopicName("notifications"), "alerts-dlq", kafka.uniqueTopicName("alerts-dlq"));
        for (Map.Entry<String, String> t : topics.entrySet()) {
            kafka.createTopic(t.getValue(), 2, Topic.SUMMARIES.creationConfigs());
        }
        String app = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        Instant window = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(120);
        Instant now = Instant.now();
        String fingerprint = ErrorFingerprint.of("TypeError", XSS, STACK);
        Map<String, String> labels = Map.of("fingerprint", fingerprint, "type", "TypeError", "category", "validation",
                "severity", "low");
        Summary counted = new Summary(1, app, "errors", SeriesKeys.format("errors", labels), labels, window,
                window.plusSeconds(60), 3, 3, 1, 1, 1);
        Summary availability = new Summary(1, app, "synthetic_availability", "synthetic_availability{check=checkout}",
                Map.of("check", "checkout"), window, window.plusSeconds(60), 4, 3, 0, 1, 0.75);
        Summary duration = new Summary(1, app, "synthetic_duration", "synthetic_duration{check=checkout}",
                Map.of("check", "checkout"), window, window.plusSeconds(60), 4, 2000, 300, 700, 500);
        AlertEvent rollup = new AlertEvent(1, "rollup-" + app, AlertStatus.FIRING, "new_error_fingerprint", "errors",
                "count", Map.of("alertname", "new_error_fingerprint", "app", app, "severity", "low"), 1, 0, "gt", "low",
                List.of(), Map.of("distinct_fingerprints", "1", "top_offenders", fingerprint + " (1)",
                "window_start", window.toString(), "window_end", window.plusSeconds(60).toString()),
                window, null, window.plusSeconds(5));
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            send(producer, topics.get("errors"), envelope(app, new ErrorEvent(XSS, "TypeError", STACK, null, null,
                    "error", "https://shop.example/cart", null), now.minusSeconds(90)));
            send(producer, topics.get("errors"), envelope(app, new ErrorEvent("Server Error: 503 on POST /api/sync",
                    "ServerError", null, null, Map.of("status", "503"), "error", "/api/sync", null), now.minusSeconds(30)));
            send(producer, topics.get("synthetic"), envelope(app, new SyntheticEvent("checkout", false,
                    "<b>502</b> on /cart", 700.0, null, 1), now.minusSeconds(80)));
            send(producer, topics.get("synthetic"), envelope(app, new SyntheticEvent("checkout", true, null, 300.0,
                    null, 0), now.minusSeconds(20)));
            send(producer, topics.get("security"), envelope(app, new SecurityEvent("XSS Attempt",
                    JsonNodeFactory.instance.objectNode().put("source", "stream-processor").put("class", "xss")
                            .put("field", "query").put("input", "<script>window.__xss=2</script>")
                            .put("ip", "198.51.100.7").put("endpoint", "/search"), now.toEpochMilli(), "high"),
                    now.minusSeconds(10)));
            for (Summary s : List.of(counted, availability, duration)) {
                producer.send(new ProducerRecord<>(topics.get("summaries"), s.key(), CODEC.write(s))).get();
            }
            producer.send(new ProducerRecord<>(topics.get("alerts"), rollup.fingerprint(), CODEC.write(rollup))).get();
        }

        ConsoleConfig config = new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                new ConsoleConfig.Kafka(kafka.bootstrapServers(), Duration.ofMillis(200), Duration.ofSeconds(1)),
                topics, new ConsoleConfig.Views(Duration.ofHours(6), 100, 360, 100, 1000, 100), null, null, null);
        ConsoleConfig.validate(config);
        try (ConsoleServer console = ConsoleServer.start(config)) {
            String base = "http://127.0.0.1:" + console.port();
            String query = "?app=" + URLEncoder.encode(app, StandardCharsets.UTF_8);

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode body = json(get(base + "/api/errors" + query));
                return body.get("count").asInt() == 2 && body.get("fingerprints").get(0).get("count").asInt() == 3
                        && "new".equals(body.get("fingerprints").get(0).path("status").asText());
            });
            JsonNode errors = json(get(base + "/api/errors" + query));
            JsonNode top = errors.get("fingerprints").get(0);
            assertThat(top.get("fingerprint").asText()).isEqualTo(fingerprint);
            assertThat(top.get("message").asText()).isEqualTo(XSS);
            assertThat(top.get("frame").asText()).isEqualTo("<svg onload=alert(1)> (https://shop.example/app.js:10:5)");
            assertThat(top.get("category").asText()).isEqualTo("validation");
            assertThat(top.get("windows").get(0).get("windowStart").asText()).isEqualTo(window.toString());
            assertThat(top.get("windows").get(0).get("count").asInt()).isEqualTo(3);
            assertThat(top.get("firstSeen").asText()).isNotEmpty();
            assertThat(errors.get("new").asInt()).isEqualTo(1);
            JsonNode serverError = errors.get("fingerprints").get(1);
            assertThat(serverError.get("type").asText()).isEqualTo("ServerError");
            assertThat(serverError.get("count").asInt()).as("its window has not closed").isZero();
            assertThat(json(get(base + "/api/errors" + query + "&status=new")).get("count").asInt()).isEqualTo(1);
            assertThat(json(get(base + "/api/errors" + query + "&type=ServerError")).get("count").asInt()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode body = json(get(base + "/api/synthetic" + query));
                return body.get("count").asInt() == 1 && body.get("checks").get(0).get("windows").size() == 1
                        && body.get("checks").get(0).path("lastRun").path("success").asBoolean();
            });
            JsonNode check = json(get(base + "/api/synthetic" + query + "&check=checkout")).get("checks").get(0);
            assertThat(check.get("availability").asDouble()).isEqualTo(0.75);
            assertThat(check.get("windows").get(0).get("durationMean").asDouble()).isEqualTo(500.0);
            assertThat(check.get("lastFailure").get("error").asText()).isEqualTo("<b>502</b> on /cart");

            await().atMost(Duration.ofSeconds(60)).until(() -> json(get(base + "/api/security" + query + "&class=xss"))
                    .get("count").asInt() == 1);
            JsonNode finding = json(get(base + "/api/security" + query + "&class=xss")).get("findings").get(0);
            assertThat(finding.get("input").asText()).isEqualTo("<script>window.__xss=2</script>");
            assertThat(json(get(base + "/api/security" + query + "&class=sqli")).get("count").asInt()).isZero();

            for (String bad : List.of("/api/errors?status=old|status", "/api/errors?colour=red|colour",
                    "/api/errors?severity=%3Cb%3E|severity", "/api/synthetic?check=|check", "/api/synthetic?app=a&app=b|app")) {
                String[] parts = bad.split("\\|");
                HttpResponse<String> response = get(base + parts[0]);
                assertThat(response.statusCode()).as(parts[0]).isEqualTo(400);
                assertThat(json(response).get("error").asText()).isEqualTo("bad_parameter");
                assertThat(json(response).get("parameter").asText()).as(parts[0]).isEqualTo(parts[1]);
            }
            assertThat(get(base + "/api/nope").body()).contains("/api/errors").contains("/api/synthetic");

            // Live: a new error names the errors view on the stream.
            HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(base + "/api/stream"))
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
            Iterator<String> lines = stream.body().iterator();
            assertThat(lines.next()).isEqualTo("event: hello");
            BlockingQueue<String> changes = new LinkedBlockingQueue<>();
            CompletableFuture.runAsync(() -> {
                boolean inChange = false;
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.equals("event: change")) {
                        inChange = true;
                    } else if (inChange && line.startsWith("data: ")) {
                        changes.add(line.substring("data: ".length()));
                        inChange = false;
                    }
                }
            });
            // The records read at start may still be announced (the feed sends at most one event a second): let that
            // settle (no event for 2.5 s, well over the feed's period) before the error whose event this test waits for.
            while (changes.poll(2500, TimeUnit.MILLISECONDS) != null) {
                // an announcement of what was read before; keep waiting for quiet
            }
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                send(producer, topics.get("errors"), envelope(app, new ErrorEvent("another one", "RangeError", null,
                        null, null, "error", null, null), Instant.now()));
            }
            // Other views (the overview's samples) may be named in the same event or beside it: wait for the errors.
            String change = changes.poll(30, TimeUnit.SECONDS);
            while (change != null && !change.contains("\"errors\"")) {
                change = changes.poll(30, TimeUnit.SECONDS);
            }
            assertThat(change).startsWith("{\"views\":[").contains("\"errors\"");
            stream.body().close();
        }
    }

    private static KafkaProducer<String, byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, Envelope e) throws Exception {
        producer.send(new ProducerRecord<>(topic, e.key(), CODEC.writeEnvelope(e))).get();
    }

    private static Envelope envelope(String app, TelemetryEvent event, Instant at) {
        return new Envelope(1, UUID.randomUUID().toString(), null, app, at, at, "198.51.100.7", "test", event);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
