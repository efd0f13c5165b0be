package dev.telemetry.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.Summary;
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
import java.util.TreeMap;
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
 * The web vitals API against a real broker (issue 19): summaries per page, per page and form factor, the CWV
 * assessment and the subparts on {@code telemetry.summaries}, and top offender records on
 * {@code telemetry.vitals-attribution} written as the contract's JSON, come back through {@code /api/vitals}; an
 * unreadable attribution record is skipped; a new one names {@code vitals} on the live stream; bad parameters are 400.
 */
@ExtendWith(LocalKafkaExtension.class)
class VitalsIntegrationTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private static final String XSS = "<img src=x onerror=alert(1)>";
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeFormFactorsSubpartsAndTopOffenders(LocalKafka kafka) throws Exception {
        Map<String, String> topics = Map.of("summaries", kafka.uniqueTopicName("summaries"),
                "vitals-attribution", kafka.uniqueTopicName("vitals-attribution"));
        for (String topic : topics.values()) {
            kafka.createTopic(topic, 2, Topic.VITALS_ATTRIBUTION.creationConfigs());
        }
        String app = "shop-" + UUID.randomUUID().toString().substring(0, 8);
        Instant w1 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(180);
        Instant w2 = w1.plusSeconds(60);
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            for (Summary s : List.of(
                    summary(app, "LCP", Map.of("page", "/checkout"), w1, 10, 3000),
                    summary(app, "LCP", Map.of("page", "/checkout", "formFactor", "phone"), w1, 10, 3000),
                    summary(app, "LCP", Map.of("page", "/checkout"), w2, 10, 2000),
                    summary(app, "LCP", Map.of("page", "/checkout", "formFactor", "phone"), w2, 6, 2500),
                    summary(app, "LCP", Map.of("page", "/checkout", "formFactor", "desktop"), w2, 4, 1000),
                    summary(app, "cwv_assessment", Map.of("page", "/checkout", "formFactor", "phone"), w2, 1, 0),
                    summary(app, "cwv_assessment", Map.of("page", "/checkout", "formFactor", "desktop"), w2, 1, 1),
                    summary(app, "lcp_resource_load_delay", Map.of("page", "/checkout"), w1, 10, 200),
                    summary(app, "lcp_resource_load_delay", Map.of("page", "/checkout"), w2, 10, 1200),
                    summary(app, "inp_processing_duration", Map.of("page", "/checkout"), w2, 3, 80))) {
                producer.send(new ProducerRecord<>(topics.get("summaries"), s.series(), CODEC.write(s))).get();
            }
            String attribution = topics.get("vitals-attribution");
            producer.send(new ProducerRecord<>(attribution, app + "|/checkout|LCP", offenders(app, "LCP", w1, 7,
                    "{\"target\":\"main > img.hero\",\"count\":5,\"maxOvercount\":0,\"p75\":4820.0},"
                            + "{\"target\":" + new String(CODEC.write(XSS), StandardCharsets.UTF_8) + ",\"count\":2,\"maxOvercount\":1,\"p75\":3000.0}"))).get();
            producer.send(new ProducerRecord<>(attribution, app + "|/checkout|LCP",
                    "not json".getBytes(StandardCharsets.UTF_8))).get();
            producer.send(new ProducerRecord<>(attribution, app + "|/checkout|LCP", offenders(app, "LCP", w2, 4,
                    "{\"target\":" + new String(CODEC.write(XSS), StandardCharsets.UTF_8) + ",\"count\":4,\"maxOvercount\":0,\"p75\":5100.0}"))).get();
        }

        ConsoleConfig config = new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                new ConsoleConfig.Kafka(kafka.bootstrapServers(), Duration.ofMillis(200), Duration.ofSeconds(1)),
                topics, new ConsoleConfig.Views(Duration.ofHours(6), 100, 360, 100, 1000, 100), null, null, null);
        ConsoleConfig.validate(config);
        try (ConsoleServer console = ConsoleServer.start(config)) {
            String base = "http://127.0.0.1:" + console.port();
            String query = base + "/api/vitals?app=" + URLEncoder.encode(app, StandardCharsets.UTF_8) + "&page=/checkout";
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                JsonNode body = json(get(query));
                JsonNode details = body.get("details");
                return details.size() == 1 && details.get(0).get("offenders").size() == 1
                        && details.get(0).get("offenders").get(0).get("range").get("windows").asInt() == 2
                        && details.get(0).get("subparts").size() == 2
                        && details.get(0).get("formFactors").size() == 2
                        && body.get("vitals").get(0).get("series").get(0).get("windows").size() == 2;
            });
            JsonNode body = json(get(query));
            JsonNode lcp = body.get("vitals").get(0);
            assertThat(lcp.get("series")).as("the page's own series only").hasSize(1);
            assertThat(lcp.get("series").get(0).get("windows").get(1).get("p75").asDouble()).isEqualTo(2000.0);
            JsonNode detail = body.get("details").get(0);
            JsonNode phone = detail.get("formFactors").get(0);
            assertThat(phone.get("formFactor").asText()).isEqualTo("phone");
            assertThat(phone.get("vitals").get(0).get("p75").asDouble()).isEqualTo((3000.0 * 10 + 2500 * 6) / 16);
            assertThat(phone.get("assessment").get("pass").asBoolean()).isFalse();
            assertThat(detail.get("formFactors").get(1).get("assessment").get("pass").asBoolean()).isTrue();
            JsonNode parts = detail.get("subparts").get(0).get("parts");
            assertThat(parts.get(0).get("part").asText()).isEqualTo("lcp_resource_load_delay");
            assertThat(parts.get(0).get("windows").get(1).get("p75").asDouble()).isEqualTo(1200.0);
            assertThat(detail.get("subparts").get(1).get("vital").asText()).isEqualTo("INP");
            JsonNode offenders = detail.get("offenders").get(0);
            assertThat(offenders.get("vital").asText()).isEqualTo("LCP");
            assertThat(offenders.get("latest").get("windowStart").asText()).isEqualTo(w2.toString());
            assertThat(offenders.get("latest").get("offenders").get(0).get("target").asText()).isEqualTo(XSS);
            JsonNode range = offenders.get("range");
            assertThat(range.get("poorCount").asLong()).isEqualTo(11);
            assertThat(range.get("offenders").get(0).get("target").asText()).isEqualTo(XSS);
            assertThat(range.get("offenders").get(0).get("count").asLong()).isEqualTo(6);
            assertThat(range.get("offenders").get(1).get("target").asText()).isEqualTo("main > img.hero");
            assertThat(json(get(query + "&formFactor=phone")).get("vitals").get(0).get("series").get(0).get("windows")
                    .get(1).get("p75").asDouble()).isEqualTo(2500.0);
            assertThat(get(base + "/metrics").body()).contains("console_records_unreadable_total");

            for (String bad : List.of("/api/vitals?formFactor=watch|formFactor", "/api/vitals?range=2d|range",
                    "/api/vitals?range=1h&range=2h|range", "/api/vitals?page=%3Cscript%3E|page")) {
                String[] p = bad.split("\\|");
                HttpResponse<String> response = get(base + p[0]);
                assertThat(response.statusCode()).as(p[0]).isEqualTo(400);
                assertThat(json(response).get("error").asText()).isEqualTo("bad_parameter");
                assertThat(json(response).get("parameter").asText()).as(p[0]).isEqualTo(p[1]);
            }

            // Live: a new attribution record names the vitals view on the stream.
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
            Instant w3 = w2.plusSeconds(60);
            try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
                producer.send(new ProducerRecord<>(topics.get("vitals-attribution"), app + "|/checkout|INP", offenders(app,
                        "INP", w3, 1, "{\"target\":\"button#buy\",\"count\":1,\"maxOvercount\":0,\"p75\":640.0}"))).get();
            }
            String change = changes.poll(30, TimeUnit.SECONDS);
            while (change != null && !change.contains("\"vitals\"")) {
                change = changes.poll(30, TimeUnit.SECONDS);
            }
            assertThat(change).startsWith("{\"views\":[").contains("\"vitals\"");
            stream.body().close();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    json(get(query)).get("details").get(0).get("offenders").size() == 2);
            JsonNode inp = json(get(query)).get("details").get(0).get("offenders").get(1);
            assertThat(inp.get("vital").asText()).isEqualTo("INP");
            assertThat(inp.get("latest").get("offenders").get(0).get("target").asText()).isEqualTo("button#buy");
        }
    }

    private static byte[] offenders(String app, String vital, Instant start, long poor, String list) {
        return ("{\"schemaVersion\":1,\"app\":\"" + app + "\",\"page\":\"/checkout\",\"vital\":\"" + vital + "\","
                + "\"windowStart\":\"" + start + "\",\"windowEnd\":\"" + start.plusSeconds(60) + "\",\"poorCount\":" + poor
                + ",\"offenders\":[" + list + "],\"someLaterField\":true}").getBytes(StandardCharsets.UTF_8);
    }

    private static Summary summary(String app, String metric, Map<String, String> labels, Instant start, long count, double p75) {
        Map<String, String> sorted = new TreeMap<>(labels);
        StringBuilder key = new StringBuilder(metric).append('{');
        sorted.forEach((k, v) -> key.append(key.charAt(key.length() - 1) == '{' ? "" : ",").append(k).append('=').append(v));
        key.append('}');
        Summary.Ratings ratings = metric.equals("LCP") ? new Summary.Ratings(count, 0, 0) : null;
        return new Summary(1, app, metric, key.toString(), sorted, start, start.plusSeconds(60), count, p75 * count,
                p75, p75, p75, p75, p75, p75, p75, p75, ratings);
    }

    private static KafkaProducer<String, byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }
}
