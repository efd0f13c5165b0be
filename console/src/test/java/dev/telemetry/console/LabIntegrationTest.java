package dev.telemetry.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The "try this rule" backtest ({@code POST /api/lab/backtest}) against a real broker: a rule from the form's fields
 * replayed over request history on the raw topic gives its firing intervals, as {@code ./telemetry backtest
 * --format json} does; the read token applies, no write token is needed, another origin is refused, and each bad
 * field is a 400 naming it.
 */
@ExtendWith(LocalKafkaExtension.class)
class LabIntegrationTest {

    private static final String READ = "read-token-0123456789abcdef";
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void shouldBacktestARuleOverTheRawTopicsAndNameEachBadField(LocalKafka kafka) throws Exception {
        // Given: 10 minutes of checkout requests of one app, slow (2.5 s) for the first 5, on its own raw topic
        String requests = kafka.uniqueTopicName("lab-requests");
        kafka.createTopic(requests, 2, Topic.REQUESTS.creationConfigs());
        String app = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(30));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int s = 0; s < 600; s += 5) {
                Instant at = t0.plusSeconds(s);
                Envelope e = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, at, at,
                        "203.0.113.9", "agent", new RequestEvent("198.51.100.1", "GET", "/api/checkout", 200,
                        s < 300 ? 2500 : 200, "agent", null, null, at.toEpochMilli()));
                producer.send(new ProducerRecord<>(requests, null, at.toEpochMilli(), e.key(),
                        JsonSerde.envelope().serializer().serialize(requests, e))).get();
            }
        }
        ConsoleConfig config = new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                new ConsoleConfig.Kafka(kafka.bootstrapServers(), Duration.ofMillis(200), Duration.ofSeconds(5)),
                Map.of(Topic.REQUESTS.configKey(), requests, "summaries", kafka.uniqueTopicName("lab-summaries")),
                new ConsoleConfig.Views(Duration.ofHours(1), 100, 100, 100, 100),
                new ConsoleConfig.Services("", "", "", ""), new ConsoleConfig.Auth(READ, ""),
                new ConsoleConfig.Silences(""));
        ConsoleConfig.validate(config);
        assertThat(config.topicCatalogue().name(Topic.REQUESTS)).isEqualTo(requests);

        try (ConsoleServer console = ConsoleServer.start(config)) {
            String base = "http://127.0.0.1:" + console.port();
            String rule = "{\"metric\": \"response_time\", \"stat\": \"p95\", \"labels\": {\"endpoint\": \"/api/checkout\"},"
                    + " \"operator\": \"gt\", \"threshold\": 1000, \"for\": \"0m\", \"keep_firing_for\": \"0s\","
                    + " \"app\": \"" + app + "\", \"from\": \"" + t0 + "\", \"to\": \"" + t0.plus(Duration.ofMinutes(10)) + "\"";

            // When / Then: the rule fires on the first slow window's close and resolves on the first fast one's
            HttpResponse<String> ok = post(base, rule + "}", READ, null);
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            JsonNode body = json.readTree(ok.body());
            assertThat(body.get("events").asLong()).isEqualTo(120);
            assertThat(body.get("from").asText()).isEqualTo(t0.toString());
            JsonNode report = body.get("rules").get(0);
            assertThat(report.get("rule").asText()).isEqualTo("lab");
            assertThat(report.get("firing")).singleElement().satisfies(i -> {
                assertThat(i.get("start").asText()).isEqualTo(t0.plus(Duration.ofMinutes(1)).toString());
                assertThat(i.get("end").asText()).isEqualTo(t0.plus(Duration.ofMinutes(6)).toString());
                assertThat(i.get("labels").get("app").asText()).isEqualTo(app);
                assertThat(i.get("peak").asDouble()).isEqualTo(2500);
            });
            assertThat(report.get("notifications").asInt()).isEqualTo(2);
            assertThat(report.get("firingSeconds").asLong()).isEqualTo(300);
            assertThat(report.get("flaps").asInt()).isZero();

            // The read token applies (no write token is set, and none is needed); another origin is refused
            assertThat(post(base, rule + "}", null, null).statusCode()).isEqualTo(401);
            assertThat(post(base, rule + "}", READ, "http://evil.example").statusCode()).isEqualTo(403);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/lab/backtest"))
                    .header("Authorization", "Bearer " + READ).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(rule + "}")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(415);

            assertBad(base, rule.replace("1000", "\"high\"") + "}", "threshold");
            assertBad(base, rule + ", \"colour\": \"red\"}", "colour");
            assertBad(base, rule.replace("\"0m\"", "\"90s\"") + "}", "for");
            assertBad(base, rule.replace("\"0s\"", "\"soon\"") + "}", "keep_firing_for");
            assertBad(base, rule.replace("\"gt\"", "\"over\"") + "}", "operator");
            assertBad(base, rule.replace("\"p95\"", "\"p42\"") + "}", "stat");
            assertBad(base, rule.replace("\"metric\": \"response_time\",", "") + "}", "metric");
            assertBad(base, rule.replace("\"from\": \"" + t0, "\"from\": \"" + t0.minus(Duration.ofDays(2))) + "}", "from");
            assertBad(base, rule.replace("\"from\": \"" + t0, "\"from\": \"yesterday") + "}", "from");
            assertBad(base, "[1]", "body");
        }
    }

    private void assertBad(String base, String body, String field) throws Exception {
        HttpResponse<String> response = post(base, body, READ, null);
        assertThat(response.statusCode()).as(body + " → " + response.body()).isEqualTo(400);
        JsonNode error = json.readTree(response.body());
        assertThat(error.get("error").asText()).isEqualTo("bad_parameter");
        assertThat(error.get("parameter").asText()).as(response.body()).isEqualTo(field);
    }

    private HttpResponse<String> post(String base, String body, String token, String origin) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/lab/backtest"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
