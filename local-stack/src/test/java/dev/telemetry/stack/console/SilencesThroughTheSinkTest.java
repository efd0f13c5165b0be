package dev.telemetry.stack.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.dispatch.Grouping;
import dev.telemetry.console.ConsoleServer;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's silences API against a REAL alert sink on a real broker: a silence created through the console
 * (logged in with the write token, CSRF token sent) is listed by the sink's own API, expired through the console,
 * and seen expired by the sink; the console refuses what it must (401, 403) and says 503 when the sink refuses its
 * admin token or is down. The sink's admin token never appears in a console response.
 */
@ExtendWith(LocalKafkaExtension.class)
class SilencesThroughTheSinkTest {

    private static final String ADMIN = "sink-admin-" + UUID.randomUUID();
    private static final String WRITE = "console-write-" + UUID.randomUUID();
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final JsonCodec CODEC = JsonCodec.standard();
    private final HttpClient http = HttpClient.newHttpClient();

    private static SinkConfig sinkConfig(LocalKafka kafka, Map<String, String> topics) {
        SinkConfig config = SinkConfig.defaults()
                .withKafka(kafka.bootstrapServers())
                .withGroupId("console-silences-test-" + UUID.randomUUID())
                .withHttp("127.0.0.1", 0)
                .withGrouping(Grouping.none())
                .withAdminToken(ADMIN);
        for (Map.Entry<String, String> topic : topics.entrySet()) {
            config = config.withTopic(topic.getKey(), topic.getValue());
        }
        return config;
    }

    private static ConsoleConfig consoleConfig(LocalKafka kafka, String sinkUrl, String adminToken, String silencesTopic) {
        return new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                new ConsoleConfig.Kafka(kafka.bootstrapServers(), Duration.ofMillis(200), Duration.ofSeconds(1)),
                Map.of("silences", silencesTopic), new ConsoleConfig.Views(Duration.ofHours(1), 100, 100, 100, 100),
                new ConsoleConfig.Services("", "", sinkUrl, ""), new ConsoleConfig.Auth("", WRITE),
                new ConsoleConfig.Silences(adminToken));
    }

    private HttpResponse<String> call(String base, String method, String path, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** A console call: its answer never carries the sink's admin token. */
    private HttpResponse<String> console(ConsoleServer console, String method, String path, Map<String, String> headers,
                                         String body) throws Exception {
        HttpResponse<String> response = call("http://127.0.0.1:" + console.port(), method, path, headers, body);
        assertThat(response.body()).doesNotContain(ADMIN);
        assertThat(response.headers().map().toString()).doesNotContain(ADMIN);
        return response;
    }

    private HttpResponse<String> sinkApi(AlertSink sink, String method, String path, String body) throws Exception {
        return call("http://127.0.0.1:" + sink.httpPort(), method, path, Map.of("Authorization", "Bearer " + ADMIN), body);
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode byId(JsonNode list, String id) {
        for (JsonNode s : list) {
            if (s.path("id").asText().equals(id)) {
                return s;
            }
        }
        return null;
    }

    @Test
    void shouldCreateListAndExpireASilenceInTheRealSinkThroughTheConsole(LocalKafka kafka) throws Exception {
        Map<String, String> topics = new LinkedHashMap<>();
        for (String key : List.of("alerts", "notifications", "notification-log", "silences", "alerts-dlq", "group-state")) {
            String name = kafka.uniqueTopicName("console-" + key);
            kafka.createTopic(name, 1);
            topics.put(key, name);
        }
        AlertSink sink = AlertSink.start(sinkConfig(kafka, topics));
        String sinkUrl = "http://127.0.0.1:" + sink.httpPort();
        try (ConsoleServer console = ConsoleServer.start(consoleConfig(kafka, sinkUrl, ADMIN, topics.get("silences")))) {
            String origin = "http://127.0.0.1:" + console.port();
            String silence = """
                    {"matchers":[{"name":"alertname","value":"checkout_slow","isRegex":false,"isEqual":true},
                                 {"name":"app","value":"demo-app","isRegex":false,"isEqual":true}],
                     "duration":"2h","createdBy":"alice","comment":"payment provider incident"}""";

            // Refused before anything reaches the sink: no login, then a login without the CSRF token.
            HttpResponse<String> anonymous = console(console, "POST", "/api/silences", Map.of("Content-Type", "application/json"), silence);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(json(anonymous).get("error").asText()).isEqualTo("login_required");
            HttpResponse<String> login = console(console, "POST", "/api/session", Map.of("Content-Type", "application/json",
                    "Origin", origin), "{\"token\":\"" + WRITE + "\"}");
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
            String csrf = json(login).get("csrfToken").asText();
            HttpResponse<String> forged = console(console, "POST", "/api/silences", Map.of("Cookie", cookie,
                    "X-CSRF-Token", "forged", "Content-Type", "application/json"), silence);
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(json(forged).get("error").asText()).isEqualTo("bad_csrf_token");
            assertThat(json(sinkApi(sink, "GET", "/api/silences", null))).as("nothing was created").isEmpty();

            // The live stream names "silences" after the write (open pages refresh).
            HttpResponse<Stream<String>> stream = http.send(HttpRequest.newBuilder(URI.create(origin + "/api/stream"))
                    .header("Accept", "text/event-stream").header("Cookie", cookie).GET().build(), HttpResponse.BodyHandlers.ofLines());
            Iterator<String> lines = stream.body().iterator();
            assertThat(lines.next()).isEqualTo("event: hello");
            CompletableFuture<Boolean> silencesChanged = CompletableFuture.supplyAsync(() -> {
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("data: ") && line.contains("\"silences\"")) {
                        return true;
                    }
                }
                return false;
            });

            Map<String, String> write = Map.of("Cookie", cookie, "X-CSRF-Token", csrf, "Origin", origin,
                    "Content-Type", "application/json");
            HttpResponse<String> created = console(console, "POST", "/api/silences", write, silence);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            String id = json(created).get("silenceID").asText();
            assertThat(silencesChanged.get(30, TimeUnit.SECONDS)).isTrue();
            stream.body().close();

            // The sink's own API lists it, active, as sent.
            JsonNode atSink = byId(json(sinkApi(sink, "GET", "/api/silences", null)), id);
            assertThat(atSink).isNotNull();
            assertThat(atSink.get("status").get("state").asText()).isEqualTo("active");
            assertThat(atSink.get("createdBy").asText()).isEqualTo("alice");
            assertThat(atSink.get("comment").asText()).isEqualTo("payment provider incident");
            assertThat(atSink.get("matchers")).hasSize(2);
            assertThat(atSink.get("matchers").get(0).get("name").asText()).isEqualTo("alertname");
            assertThat(atSink.get("matchers").get(0).get("value").asText()).isEqualTo("checkout_slow");

            // And so does the console, with the counts per state.
            JsonNode listed = json(console(console, "GET", "/api/silences", Map.of(), null));
            assertThat(listed.get("counts").get("active").asInt()).isEqualTo(1);
            assertThat(byId(listed.get("silences"), id).get("state").asText()).isEqualTo("active");

            // Expire through the console; the sink sees it expired. An unknown id is the sink's 404, passed on.
            HttpResponse<String> expired = console(console, "DELETE", "/api/silences/" + id, write, null);
            assertThat(expired.statusCode()).as(expired.body()).isEqualTo(200);
            assertThat(json(expired).get("silence").get("state").asText()).isEqualTo("expired");
            assertThat(json(sinkApi(sink, "GET", "/api/silences/" + id, null)).get("status").get("state").asText()).isEqualTo("expired");
            await().atMost(PATIENCE).until(() -> json(console(console, "GET", "/api/silences?state=expired", Map.of(), null))
                    .get("count").asInt() == 1);
            HttpResponse<String> unknown = console(console, "DELETE", "/api/silences/no-such-silence", write, null);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(json(unknown).get("message").asText()).contains("no silence no-such-silence");

            // A silence made at the sink directly (another console, a script) reaches open pages through the topic.
            HttpResponse<Stream<String>> again = http.send(HttpRequest.newBuilder(URI.create(origin + "/api/stream"))
                    .header("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofLines());
            Iterator<String> more = again.body().iterator();
            assertThat(more.next()).isEqualTo("event: hello");
            CompletableFuture<Boolean> viaTopic = CompletableFuture.supplyAsync(() -> {
                while (more.hasNext()) {
                    String line = more.next();
                    if (line.startsWith("data: ") && line.contains("\"silences\"")) {
                        return true;
                    }
                }
                return false;
            });
            HttpResponse<String> direct = sinkApi(sink, "POST", "/api/silences", """
                    {"matchers":[{"name":"app","value":"blog","isRegex":false,"isEqual":true}],
                     "endsAt":"2999-01-01T00:00:00Z","createdBy":"script","comment":"direct"}""");
            assertThat(direct.statusCode()).isEqualTo(200);
            assertThat(viaTopic.get(60, TimeUnit.SECONDS)).isTrue();
            again.body().close();
        } finally {
            sink.close();
        }

        // A console whose admin token the sink refuses, or whose sink is down: 503 JSON saying so, not 500.
        AlertSink other = AlertSink.start(sinkConfig(kafka, topics));
        String otherUrl = "http://127.0.0.1:" + other.httpPort();
        try (ConsoleServer wrongToken = ConsoleServer.start(consoleConfig(kafka, otherUrl, "not-the-admin-token", topics.get("silences")))) {
            HttpResponse<String> refused = console(wrongToken, "GET", "/api/silences", Map.of(), null);
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(json(refused).get("error").asText()).isEqualTo("sink_refused_token");
            other.close();
            HttpResponse<String> down = console(wrongToken, "GET", "/api/silences", Map.of(), null);
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(json(down).get("error").asText()).isEqualTo("sink_unavailable");
            assertThat(json(down).get("message").asText()).contains("unreachable");
        } finally {
            other.close();
        }
    }
}
