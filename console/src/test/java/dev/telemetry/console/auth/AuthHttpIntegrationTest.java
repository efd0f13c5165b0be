package dev.telemetry.console.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.ConsoleServer;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.console.silence.FakeSink;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The console's auth over HTTP (Javalin, its static pages and the API), with a stand-in for the sink: pages redirect
 * to the login, the API answers 401/403 JSON naming the problem, the login sets an HttpOnly SameSite=Strict cookie,
 * writes need the CSRF token and a same-origin Origin, and the sink's admin token never reaches a response.
 */
@ExtendWith(LocalKafkaExtension.class)
class AuthHttpIntegrationTest {

    private static final String READ = "read-secret-token-1";
    private static final String WRITE = "write-secret-token-2";
    private static final String ADMIN = "sink-admin-token-3";
    private static final JsonCodec CODEC = JsonCodec.standard();
    private final HttpClient http = HttpClient.newHttpClient();

    private static ConsoleConfig config(LocalKafka kafka, String read, String write, String sink) {
        return new ConsoleConfig(new ConsoleConfig.Http("127.0.0.1", 0),
                new ConsoleConfig.Kafka(kafka.bootstrapServers(), Duration.ofMillis(200), Duration.ofSeconds(5)),
                Map.of("summaries", kafka.uniqueTopicName("summaries")),
                new ConsoleConfig.Views(Duration.ofHours(1), 100, 100, 100, 100),
                new ConsoleConfig.Services("", "", sink, ""), new ConsoleConfig.Auth(read, write),
                new ConsoleConfig.Silences(ADMIN));
    }

    private HttpResponse<String> send(ConsoleServer console, String method, String path, Map<String, String> headers,
                                      String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + console.port() + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.body()).as("no response carries the sink's admin token").doesNotContain(ADMIN);
        assertThat(response.headers().map().toString()).doesNotContain(ADMIN);
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    private static void refusal(HttpResponse<String> response, int status, String error, String messagePart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(response).get("error").asText()).isEqualTo(error);
        assertThat(json(response).get("message").asText()).contains(messagePart);
    }

    @Test
    void shouldGuardPagesAndApiWithTheReadTokenAndWritesWithLoginCsrfAndOrigin(LocalKafka kafka) throws Exception {
        try (FakeSink sink = new FakeSink(); ConsoleServer console = ConsoleServer.start(config(kafka, READ, WRITE, sink.url()))) {
            String origin = "http://127.0.0.1:" + console.port();

            // Reads without the token: pages go to the login (keeping where they were), the rest is 401 JSON.
            HttpResponse<String> page = send(console, "GET", "/alerts.html?status=firing", Map.of(), null);
            assertThat(page.statusCode()).isEqualTo(302);
            assertThat(page.headers().firstValue("Location")).hasValue("/login.html?next=%2Falerts.html%3Fstatus%3Dfiring");
            assertThat(send(console, "GET", "/", Map.of(), null).statusCode()).isEqualTo(302);
            refusal(send(console, "GET", "/api/alerts", Map.of(), null), 401, "unauthorized", "read token");
            refusal(send(console, "GET", "/js/alerts.js", Map.of(), null), 401, "unauthorized", "read token");
            refusal(send(console, "GET", "/api/silences", Map.of(), null), 401, "unauthorized", "read token");
            refusal(send(console, "GET", "/api/alerts", Map.of("Authorization", "Bearer nope"), null), 401, "bad_token", "neither");
            for (String open : new String[] {"/login.html", "/js/login.js", "/js/common.js", "/console.css", "/health"}) {
                HttpResponse<String> response = send(console, "GET", open, Map.of(), null);
                assertThat(response.statusCode()).as(open).isIn(200, 503);
                assertThat(response.headers().firstValue("Content-Security-Policy")).as(open).isPresent();
            }
            assertThat(send(console, "GET", "/api/alerts", Map.of("Authorization", "Bearer " + READ), null).statusCode()).isEqualTo(200);
            JsonNode anonymous = json(send(console, "GET", "/api/session", Map.of(), null));
            assertThat(anonymous.get("loggedIn").asBoolean()).isFalse();
            assertThat(anonymous.get("readTokenRequired").asBoolean()).isTrue();
            assertThat(anonymous.get("csrfToken").isNull()).isTrue();

            // Login: JSON only, the right token only; the cookie is HttpOnly, SameSite=Strict, for the whole console.
            refusal(send(console, "POST", "/api/session", Map.of("Content-Type", "application/x-www-form-urlencoded"), "token=" + WRITE),
                    415, "unsupported_media_type", "JSON");
            refusal(send(console, "POST", "/api/session", Map.of("Content-Type", "application/json"), "{\"token\":\"guess\"}"),
                    401, "bad_token", "not valid");
            refusal(send(console, "POST", "/api/session", Map.of("Content-Type", "application/json", "Origin", "http://evil.example"),
                    "{\"token\":\"" + WRITE + "\"}"), 403, "bad_origin", "origin");
            HttpResponse<String> login = send(console, "POST", "/api/session", Map.of("Content-Type", "application/json",
                    "Origin", origin), "{\"token\":\"" + WRITE + "\"}");
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie).startsWith(ConsoleAuth.COOKIE + "=").containsIgnoringCase("HttpOnly")
                    .containsIgnoringCase("SameSite=Strict").contains("Path=/").doesNotContain(WRITE);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            String csrf = json(login).get("csrfToken").asText();
            assertThat(json(login).get("canWrite").asBoolean()).isTrue();
            assertThat(cookie.substring(cookie.indexOf('=') + 1)).hasSizeGreaterThanOrEqualTo(43).isNotEqualTo(csrf);

            // The cookie reads pages and the API, and the session says what it may do.
            assertThat(send(console, "GET", "/alerts.html", Map.of("Cookie", cookie), null).statusCode()).isEqualTo(200);
            assertThat(send(console, "GET", "/js/alerts.js", Map.of("Cookie", cookie), null).statusCode()).isEqualTo(200);
            JsonNode status = json(send(console, "GET", "/api/session", Map.of("Cookie", cookie), null));
            assertThat(status.get("loggedIn").asBoolean()).isTrue();
            assertThat(status.get("csrfToken").asText()).isEqualTo(csrf);

            // Writes: the session alone is not enough; the CSRF token and (when sent) a same-origin Origin are.
            String silence = """
                    {"matchers":[{"name":"alertname","value":"checkout_slow","isRegex":false,"isEqual":true}],
                     "duration":"2h","createdBy":"alice","comment":"deploy"}""";
            refusal(send(console, "POST", "/api/silences", Map.of("Content-Type", "application/json"), silence),
                    401, "login_required", "write token");
            refusal(send(console, "POST", "/api/silences", Map.of("Cookie", cookie, "Content-Type", "application/json"), silence),
                    403, "bad_csrf_token", "X-CSRF-Token");
            refusal(send(console, "POST", "/api/silences", Map.of("Cookie", cookie, "X-CSRF-Token", "forged",
                    "Content-Type", "application/json"), silence), 403, "bad_csrf_token", "wrong");
            refusal(send(console, "POST", "/api/silences", Map.of("Cookie", cookie, "X-CSRF-Token", csrf,
                    "Origin", "http://evil.example", "Content-Type", "application/json"), silence), 403, "bad_origin", "origin");
            assertThat(sink.seen()).as("no refused write reached the sink").isEmpty();

            sink.answer(200, "{\"silenceID\":\"s-1\"}");
            HttpResponse<String> created = send(console, "POST", "/api/silences", Map.of("Cookie", cookie, "X-CSRF-Token", csrf,
                    "Origin", origin, "Content-Type", "application/json"), silence);
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            assertThat(json(created).get("silenceID").asText()).isEqualTo("s-1");
            assertThat(sink.seen()).singleElement().satisfies(s -> {
                assertThat(s.authorization()).isEqualTo("Bearer " + ADMIN);
                assertThat(s.body()).contains("checkout_slow").contains("alice");
            });
            // Scripts may write with the write token as bearer (no cookie, so no CSRF risk); not with the read token.
            assertThat(send(console, "POST", "/api/silences", Map.of("Authorization", "Bearer " + WRITE,
                    "Content-Type", "application/json"), silence).statusCode()).isEqualTo(200);
            refusal(send(console, "POST", "/api/silences", Map.of("Authorization", "Bearer " + READ,
                    "Content-Type", "application/json"), silence), 401, "bad_token", "write token");

            // The console checks the body itself and names the field; the sink's refusals come back as 4xx JSON.
            HttpResponse<String> bad = send(console, "POST", "/api/silences", Map.of("Cookie", cookie, "X-CSRF-Token", csrf,
                    "Content-Type", "application/json"), "{\"matchers\":[],\"duration\":\"2h\",\"createdBy\":\"a\",\"comment\":\"c\"}");
            refusal(bad, 400, "bad_parameter", "matchers");
            assertThat(json(bad).get("parameter").asText()).isEqualTo("matchers");
            sink.answer(404, "{\"error\":\"no silence s-9\"}");
            refusal(send(console, "DELETE", "/api/silences/s-9", Map.of("Cookie", cookie, "X-CSRF-Token", csrf), null),
                    404, "not_found", "no silence s-9");

            // Logout needs the CSRF token too, then the cookie is worthless.
            refusal(send(console, "DELETE", "/api/session", Map.of("Cookie", cookie), null), 403, "bad_csrf_token", "X-CSRF-Token");
            HttpResponse<String> logout = send(console, "DELETE", "/api/session", Map.of("Cookie", cookie, "X-CSRF-Token", csrf), null);
            assertThat(logout.statusCode()).isEqualTo(200);
            assertThat(logout.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).startsWith(ConsoleAuth.COOKIE + "=;")
                    .containsAnyOf("Max-Age=0", "Expires=Thu, 01 Jan 1970"));
            assertThat(send(console, "GET", "/alerts.html", Map.of("Cookie", cookie), null).statusCode()).isEqualTo(302);
        }
    }

    @Test
    void shouldAnswer403WhenWritesAreDisabledAnd503WhenTheSinkIsDownOrNotConfigured(LocalKafka kafka) throws Exception {
        try (ConsoleServer console = ConsoleServer.start(config(kafka, "", "", ""))) {
            refusal(send(console, "POST", "/api/silences", Map.of("Content-Type", "application/json"), "{}"),
                    403, "writes_disabled", "writes are disabled: set auth.write-token");
            refusal(send(console, "DELETE", "/api/silences/abc", Map.of(), null), 403, "writes_disabled", "auth.write-token");
            refusal(send(console, "GET", "/api/silences", Map.of(), null), 503, "silences_unavailable", "services.sink");
            assertThat(json(send(console, "GET", "/api/session", Map.of(), null)).get("writesEnabled").asBoolean()).isFalse();
            assertThat(send(console, "GET", "/alerts.html", Map.of(), null).statusCode()).as("reads are open").isEqualTo(200);
        }
        FakeSink stopped = new FakeSink();
        String url = stopped.url();
        stopped.close();
        try (ConsoleServer console = ConsoleServer.start(config(kafka, "", WRITE, url))) {
            refusal(send(console, "GET", "/api/silences", Map.of(), null), 503, "sink_unavailable", "unreachable");
            refusal(send(console, "POST", "/api/silences", Map.of("Authorization", "Bearer " + WRITE, "Content-Type", "application/json"),
                    "{\"matchers\":[{\"name\":\"app\",\"value\":\"shop\"}],\"duration\":\"1h\",\"createdBy\":\"a\",\"comment\":\"c\"}"),
                    503, "sink_unavailable", "unreachable");
        }
    }
}
