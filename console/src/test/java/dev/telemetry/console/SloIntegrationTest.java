package dev.telemetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.SloReport;
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
import java.util.LinkedHashMap;
import java.util.List;
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
 * The SLO API against a real broker: the processor's reports on {@code telemetry.slo} (written with the real codec)
 * and its {@code slo_burn_rate} alerts come back through {@code /api/slo} per SLO and app, with the latest report,
 * the windows oldest first, the active alerts and their factors; bad parameters are 400 naming them.
 */
@ExtendWith(LocalKafkaExtension.class)
class SloIntegrationTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeSloReportsAndTheirBurnRateAlerts(LocalKafka kafka) throws Exception {
        Map<String, String> topics = Map.of("slo", kafka.uniqueTopicName("slo"), "alerts", kafka.uniqueTopicName("alerts"),
                "summaries", kafka.uniqueTopicName("summaries"));
        for (String topic : topics.values()) {
            kafka.createTopic(topic, 2, Topic.SUMMARIES.creationConfigs());
        }
        String app = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        List<SloReport> reports = List.of(
                report(app, "checkout-availability", end.minusSeconds(120), 1.0, 0.999),
                report(app, "checkout-availability", end.minusSeconds(60), 0.5, 0.97),
                report(app, "checkout-latency", end.minusSeconds(60), 1.0, 1.0),
                report("other-" + app, "checkout-availability", end.minusSeconds(60), 1.0, 1.0));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("slo", "checkout-availability");
        labels.put("long_window", "1h");
        labels.put("short_window", "5m");
        labels.put("alertname", "slo_burn_rate");
        labels.put("app", app);
        labels.put("severity", "critical");
        AlertEvent page = new AlertEvent(AlertEvent.SCHEMA_VERSION, "slo-" + app, AlertStatus.FIRING, "slo_burn_rate",
                "slo_burn_rate", "burn_rate_1h", labels, 20.5, 14.4, "gte", "critical", List.of(),
                Map.of("summary", "checkout-availability: error budget burning 20.5× over 1h", "budget_remaining", "0.9700"),
                end.minusSeconds(30), null, end.minusSeconds(30));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (SloReport r : reports) {
                producer.send(new ProducerRecord<>(topics.get("slo"), r.key(), CODEC.write(r))).get();
            }
            producer.send(new ProducerRecord<>(topics.get("alerts"), page.fingerprint(), CODEC.write(page))).get();
        }

        ConsoleConfig config = new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                new ConsoleConfig.Kafka(kafka.bootstrapServers(), Duration.ofMillis(200), Duration.ofSeconds(1)),
                topics, new ConsoleConfig.Views(Duration.ofHours(6), 100, 360, 100, 1000, 100), null, null, null);
        ConsoleConfig.validate(config);
        try (ConsoleServer console = ConsoleServer.start(config)) {
            String base = "http://127.0.0.1:" + console.port();
            String query = "?app=" + URLEncoder.encode(app, StandardCharsets.UTF_8);
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                JsonNode body = json(get(base + "/api/slo" + query));
                return body.get("count").asInt() == 2 && body.get("slos").get(0).get("windows").size() == 2
                        && body.get("firing").asInt() == 1;
            });
            JsonNode body = json(get(base + "/api/slo" + query + "&slo=checkout-availability"));
            assertThat(body.get("count").asInt()).isEqualTo(1);
            JsonNode slo = body.get("slos").get(0);
            assertThat(slo.get("app").asText()).isEqualTo(app);
            assertThat(slo.get("slo").asText()).isEqualTo("checkout-availability");
            assertThat(slo.get("objective").asDouble()).isEqualTo(99.9);
            assertThat(slo.get("period").asText()).isEqualTo("30d");
            JsonNode latest = slo.get("latest");
            assertThat(latest.get("windowEnd").asText()).isEqualTo(end.minusSeconds(60).toString());
            assertThat(latest.get("sli").asDouble()).isEqualTo(0.5);
            assertThat(latest.get("budgetRemaining").asDouble()).isEqualTo(0.97);
            assertThat(latest.get("burnRates").get(2).get("window").asText()).isEqualTo("1h");
            assertThat(latest.get("burnRates").get(2).get("burnRate").asDouble()).isEqualTo(20.5);
            JsonNode windows = slo.get("windows");
            assertThat(windows.get(0).get("windowEnd").asText()).isEqualTo(end.minusSeconds(120).toString());
            assertThat(windows.get(0).get("windowStart").asText()).isEqualTo(end.minusSeconds(180).toString());
            assertThat(windows.get(1).get("budgetRemaining").asDouble()).isEqualTo(0.97);
            assertThat(windows.get(1).get("burnRates").get("1h").asDouble()).isEqualTo(20.5);
            assertThat(windows.get(1).get("burnRates").get("3d").asDouble()).isEqualTo(0.4);
            assertThat(slo.get("alerts")).hasSize(1);
            assertThat(slo.get("alerts").get(0).get("labels").get("long_window").asText()).isEqualTo("1h");
            assertThat(slo.get("factors").get(0).get("factor").asDouble()).isEqualTo(14.4);
            assertThat(slo.get("factors").get(0).get("severity").asText()).isEqualTo("critical");

            JsonNode latency = json(get(base + "/api/slo" + query + "&slo=checkout-latency")).get("slos").get(0);
            assertThat(latency.get("alerts")).as("the page belongs to the availability SLO").isEmpty();
            assertThat(json(get(base + "/api/slo?slo=checkout-availability")).get("count").asInt())
                    .as("both apps without an app filter").isGreaterThanOrEqualTo(2);

            for (String bad : List.of("/api/slo?colour=red|colour", "/api/slo?slo=|slo", "/api/slo?app=a&app=b|app",
                    "/api/slo?slo=%3Cscript%3E|slo")) {
                String[] parts = bad.split("\\|");
                HttpResponse<String> response = get(base + parts[0]);
                assertThat(response.statusCode()).as(parts[0]).isEqualTo(400);
                assertThat(json(response).get("error").asText()).isEqualTo("bad_parameter");
                assertThat(json(response).get("parameter").asText()).as(parts[0]).isEqualTo(parts[1]);
            }
            assertThat(get(base + "/api/nope").body()).contains("/api/slo");
        }
    }

    private static SloReport report(String app, String slo, Instant windowEnd, double sli, double budget) {
        List<SloReport.BurnRate> rates = List.of(new SloReport.BurnRate("5m", 500 * (1 - sli), 0, 0),
                new SloReport.BurnRate("30m", 100 * (1 - sli), 0, 0), new SloReport.BurnRate("1h", 41 * (1 - sli), 0, 0),
                new SloReport.BurnRate("6h", 7 * (1 - sli), 0, 0), new SloReport.BurnRate("1d", 2 * (1 - sli), 0, 0),
                new SloReport.BurnRate("3d", 0.8 * (1 - sli), 0, 0));
        return new SloReport(SloReport.SCHEMA_VERSION, app, slo, "availability", 99.9, "30d", windowEnd.minusSeconds(60),
                windowEnd, sli, 100 * sli, 100, rates, budget, 10_000 * (1 - (1 - budget) / 1000), 10_000);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
