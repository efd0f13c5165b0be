package dev.telemetry.gateway;

import static dev.telemetry.gateway.testing.GatewayFixture.json;
import static dev.telemetry.gateway.testing.GatewayFixture.post;
import static dev.telemetry.gateway.testing.GatewayFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.telemetry.events.ActionEvent;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.EventType;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.gateway.testing.GatewayFixture;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The seed's payloads on every route, every accepted body format, gzip, CORS, client IP and user
 * agent enrichment, the request log, and the per-key and per-IP limits — over real HTTP, stored in
 * a real broker.
 */
@ExtendWith(LocalKafkaExtension.class)
class GatewayHttpIntegrationTest {

    private static final String KEY = "shop-key";
    private static final String SERVER_KEY = "backend-key";
    private static final String ORIGIN = "https://shop.example";

    private static GatewayServer gateway;
    private static GatewayServer tight;
    private static Map<String, String> topics;
    private static String bootstrap;

    @BeforeAll
    static void startGateways(LocalKafka kafka, @TempDir Path dir) throws Exception {
        bootstrap = kafka.bootstrapServers();
        topics = GatewayFixture.uniqueRawTopics(kafka);
        gateway = GatewayServer.start(GatewayFixture.config(dir, topics, """
                http: {host: 127.0.0.1, port: 0, trusted-proxies: ["127.0.0.0/8"]}
                kafka: {bootstrap-servers: "%s"}
                keys:
                  - {key: %s, app: shop, origins: ["%s"]}
                  - {key: %s, app: backend}
                """.formatted(bootstrap, KEY, ORIGIN, SERVER_KEY)));
        // No trusted proxy and a small header limit.
        tight = GatewayServer.start(GatewayFixture.config(dir, topics, """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: shop}, {key: %s, app: backend}]
                limits: {header-bytes: 4096}
                """.formatted(bootstrap, KEY, SERVER_KEY)));
    }

    @AfterAll
    static void stopGateways() {
        if (gateway != null) {
            gateway.close();
        }
        if (tight != null) {
            tight.close();
        }
    }

    @Test
    void shouldStoreTheSeedsPayloadOnEveryRouteWhenSentAsTheSeedSendsIt() throws Exception {
        long now = System.currentTimeMillis();
        Map<String, String> seedBodies = Map.of(
                "/api/analytics/vitals", "{\"name\":\"FCP\",\"value\":1200.5,\"id\":\"v3-route-1\",\"navigationType\":\"navigate\"}",
                "/api/metrics", "{\"name\":\"api_call_ms\",\"value\":87,\"timestamp\":" + now + "}",
                "/api/analytics/actions", "{\"action\":\"save-journal\",\"duration\":412,\"metadata\":{\"entryId\":\"e1\",\"words\":120},\"timestamp\":" + now + "}",
                "/api/errors", "{\"message\":\"Cannot read properties of undefined\",\"type\":\"TypeError\",\"stack\":\"TypeError: x\\n  at a.js:1\","
                        + "\"context\":{\"route\":\"/journal\"},\"tags\":{\"component\":\"editor\"},\"level\":\"error\",\"url\":\"https://shop.example/journal\"}",
                "/api/network-errors", "{\"url\":\"/api/journal\",\"status\":404,\"method\":\"GET\",\"duration\":35}",
                "/api/feedback", "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"comments\":\"The editor lost my draft\"}",
                "/api/security/events", "{\"event\":\"suspicious_login\",\"data\":{\"attempts\":7},\"timestamp\":\"" + java.time.Instant.ofEpochMilli(now) + "\",\"severity\":\"high\"}",
                "/api/requests", "{\"ip\":\"203.0.113.9\",\"method\":\"GET\",\"endpoint\":\"/api/journal\",\"status\":200,\"durationMs\":12.5,"
                        + "\"userAgent\":\"Mozilla/5.0\",\"userId\":\"u1\",\"query\":\"page=2\"}",
                "/api/synthetic", "{\"success\":false,\"error\":\"Timeout 5000ms exceeded\",\"timestamp\":\"" + java.time.Instant.ofEpochMilli(now) + "\"}");
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, String> route : seedBodies.entrySet()) {
            HttpResponse<String> response = send(post(gateway.port(), route.getKey(), "application/json", bytes(route.getValue()))
                    .header("X-Telemetry-Key", SERVER_KEY).build());
            assertThat(response.statusCode()).as(route.getKey() + ": " + response.body()).isEqualTo(202);
            assertThat(json(response).get("accepted").asInt()).isEqualTo(1);
            ids.addAll(GatewayFixture.eventIds(response));
        }
        // The mixed batch, every type in one request.
        String mixed = "[{\"type\":\"vital\",\"name\":\"TTFB\",\"value\":80,\"id\":\"v3-mixed\"},"
                + "{\"type\":\"metric\",\"name\":\"mixed_metric\",\"value\":1},"
                + "{\"type\":\"network-error\",\"url\":\"/x\",\"status\":0,\"method\":\"POST\",\"duration\":3},"
                + "{\"type\":\"synthetic\",\"check\":\"login\",\"success\":true,\"durationMs\":900},"
                + "{\"type\":\"error\",\"errorType\":\"TypeError\",\"message\":\"x is undefined\"},"
                + "{\"type\":\"error\",\"message\":\"untyped\"}]";
        HttpResponse<String> batch = send(post(gateway.port(), "/api/events", "application/json", bytes(mixed)).header("X-Telemetry-Key", SERVER_KEY).build());
        assertThat(batch.statusCode()).isEqualTo(202);
        assertThat(json(batch).get("accepted").asInt()).isEqualTo(6);
        ids.addAll(GatewayFixture.eventIds(batch));

        List<Envelope> stored = readIds(ids);
        assertThat(stored).extracting(Envelope::app).containsOnly("backend");
        assertThat(stored).extracting(Envelope::type).contains(EventType.values());
        assertThat(find(stored, ActionEvent.class).metadata().get("words").asInt()).isEqualTo(120);
        assertThat(find(stored, SecurityEvent.class).severity()).isEqualTo("high");
        assertThat(find(stored, SyntheticEvent.class).success()).isFalse();
        // In the mixed batch "type" is the kind; an error's own class comes as errorType, and is absent otherwise.
        assertThat(stored).extracting(Envelope::event).filteredOn(ErrorEvent.class::isInstance).map(ErrorEvent.class::cast)
                .filteredOn(e -> e.message().equals("x is undefined") || e.message().equals("untyped"))
                .extracting(ErrorEvent::type).containsExactlyInAnyOrder("TypeError", null);
    }

    @Test
    void shouldAcceptTheWebVitalsMetricObjectWhenItCarriesEntriesAndINPOrFID() throws Exception {
        // web-vitals v4's Metric as onINP/onFID hand it to a callback that posts it unchanged; entries are DOM data we drop.
        String inp = "{\"name\":\"INP\",\"value\":184,\"rating\":\"good\",\"delta\":184,\"id\":\"v4-1764237600000-111\","
                + "\"navigationType\":\"back-forward-cache\",\"entries\":[{\"name\":\"pointerdown\",\"entryType\":\"event\","
                + "\"startTime\":1201.2,\"duration\":184,\"processingStart\":1210,\"processingEnd\":1300,\"target\":{}}]}";
        String fid = "{\"name\":\"FID\",\"value\":3.1,\"rating\":\"good\",\"delta\":3.1,\"id\":\"v4-1764237600000-222\","
                + "\"navigationType\":\"navigate\",\"entries\":[{\"name\":\"mousedown\",\"entryType\":\"first-input\",\"startTime\":900}]}";

        HttpResponse<String> response = send(post(gateway.port(), "/api/analytics/vitals", "application/x-ndjson", bytes(inp + "\n" + fid))
                .header("X-Telemetry-Key", SERVER_KEY).build());

        assertThat(response.statusCode()).isEqualTo(202);
        List<Envelope> stored = readIds(GatewayFixture.eventIds(response));
        assertThat(stored).extracting(e -> ((VitalEvent) e.event()).name()).containsExactlyInAnyOrder("INP", "FID");
        VitalEvent storedInp = (VitalEvent) stored.stream().filter(e -> ((VitalEvent) e.event()).name().equals("INP")).findFirst().orElseThrow().event();
        // "desktop": derived from the user agent of Java's HttpClient, the test's client.
        assertThat(storedInp).isEqualTo(new VitalEvent("INP", 184, "v4-1764237600000-111", "back-forward-cache", "good", 184.0, null, null, null,
                null, "desktop", null));
    }

    @Test
    void shouldAcceptEveryBodyFormatWhenContentTypeIsJsonNdjsonOrPlainText() throws Exception {
        String one = "{\"name\":\"fmt\",\"value\":1}";
        String two = "{\"name\":\"fmt\",\"value\":2}";
        Map<String, String> bodies = Map.of(
                "application/json", "[" + one + "," + two + "]",
                "application/json; charset=utf-8", one,
                "application/x-ndjson", one + "\n" + two + "\n",
                "application/ndjson", one + "\r\n" + two,
                "text/plain;charset=UTF-8", one,
                "text/plain", one + "\n" + two);
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            HttpResponse<String> response = send(post(gateway.port(), "/api/metrics", body.getKey(), bytes(body.getValue()))
                    .header("X-Telemetry-Key", SERVER_KEY).build());
            assertThat(response.statusCode()).as(body.getKey()).isEqualTo(202);
            int expected = body.getValue().contains(two) ? 2 : 1;
            assertThat(json(response).get("accepted").asInt()).as(body.getKey()).isEqualTo(expected);
        }
    }

    @Test
    void shouldInflateTheBodyWhenContentEncodingIsGzip() throws Exception {
        String body = "[{\"name\":\"gz\",\"value\":1},{\"name\":\"gz\",\"value\":2,\"tags\":{\"via\":\"gzip\"}}]";

        HttpResponse<String> response = send(post(gateway.port(), "/api/metrics", "application/json", gzip(body))
                .header("Content-Encoding", "gzip").header("X-Telemetry-Key", SERVER_KEY).build());

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(json(response).get("accepted").asInt()).isEqualTo(2);
        assertThat(readIds(GatewayFixture.eventIds(response))).hasSize(2);
    }

    @Test
    void shouldAcceptABeaconWithTheKeyInTheQueryAndAnAllowedOrigin() throws Exception {
        // navigator.sendBeacon(url + '?key=...', JSON.stringify(metric)): text/plain, an Origin, no custom header, no preflight.
        HttpRequest beacon = HttpRequest.newBuilder(uri(gateway, "/api/analytics/vitals?key=" + KEY))
                .header("Content-Type", "text/plain;charset=UTF-8").header("Origin", ORIGIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"CLS\",\"value\":0.05,\"id\":\"v4-beacon\",\"navigationType\":\"navigate\"}")).build();

        HttpResponse<String> response = send(beacon);

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(readIds(GatewayFixture.eventIds(response)).get(0).app()).isEqualTo("shop");
    }

    @Test
    void shouldAnswerThePreflightWhenTheOriginIsAllowed() throws Exception {
        HttpResponse<String> response = send(preflight(ORIGIN, "/api/metrics", "content-type,x-telemetry-key"));

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ORIGIN);
        assertThat(response.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse("")).containsIgnoringCase("X-Telemetry-Key");
        assertThat(response.headers().firstValue("Vary")).hasValue("Origin");
    }

    @Test
    void shouldRefuseThePreflightAndTheRequestWhenTheOriginIsNotAllowed() throws Exception {
        HttpResponse<String> preflight = send(preflight("https://evil.example", "/api/metrics", "content-type"));
        assertThat(preflight.statusCode()).isEqualTo(403);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(json(preflight).get("message").asText()).contains("https://evil.example").contains("not allowed");

        HttpResponse<String> badHeader = send(preflight(ORIGIN, "/api/metrics", "x-secret-header"));
        assertThat(badHeader.statusCode()).isEqualTo(403);
        assertThat(json(badHeader).get("message").asText()).contains("x-secret-header");

        // The allowlist is per key: the backend key lists no origin, so a browser may not use it.
        HttpResponse<String> wrongKey = send(post(gateway.port(), "/api/metrics", "application/json", bytes("{\"name\":\"m\",\"value\":1}"))
                .header("X-Telemetry-Key", SERVER_KEY).header("Origin", ORIGIN).build());
        assertThat(wrongKey.statusCode()).isEqualTo(403);
        assertThat(json(wrongKey).get("error").asText()).isEqualTo("origin_not_allowed");
    }

    @Test
    void shouldTakeTheClientIpFromXForwardedForOnlyWhenThePeerIsATrustedProxy() throws Exception {
        // The peer (127.0.0.1) is trusted here: the right-most untrusted hop is the client; what the client wrote before it is not.
        HttpResponse<String> proxied = send(post(gateway.port(), "/api/metrics", "application/json", bytes("{\"name\":\"xff\",\"value\":1}"))
                .header("X-Telemetry-Key", SERVER_KEY).header("X-Forwarded-For", "6.6.6.6, 198.51.100.7, 127.0.0.2")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Test/1.0").build());
        assertThat(proxied.statusCode()).isEqualTo(202);
        Envelope viaProxy = readIds(GatewayFixture.eventIds(proxied)).get(0);
        assertThat(viaProxy.clientIp()).isEqualTo("198.51.100.7");
        assertThat(viaProxy.userAgent()).isEqualTo("Mozilla/5.0 (X11; Linux x86_64) Test/1.0");
        assertThat(viaProxy.receivedAt()).isNotNull();
        assertThat(viaProxy.app()).isEqualTo("backend");

        // The tight gateway trusts no proxy: the header is the client's own claim and is ignored.
        HttpResponse<String> direct = send(post(tight.port(), "/api/metrics", "application/json", bytes("{\"name\":\"xff\",\"value\":2}"))
                .header("X-Telemetry-Key", KEY).header("X-Forwarded-For", "198.51.100.8").build());
        assertThat(direct.statusCode()).isEqualTo(202);
        assertThat(readIds(GatewayFixture.eventIds(direct)).get(0).clientIp()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldNeverLogTheIngestKeyWhenRequestsAreLogged() throws Exception {
        Logger access = (Logger) LoggerFactory.getLogger("dev.telemetry.gateway.access");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        access.addAppender(appender);
        try {
            send(HttpRequest.newBuilder(uri(gateway, "/api/metrics?key=" + SERVER_KEY)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"logged\",\"value\":1}")).build());
            send(post(gateway.port(), "/api/metrics", "application/json", bytes("{\"name\":\"logged\",\"value\":1}"))
                    .header("X-Telemetry-Key", KEY + "-wrong").build());
        } finally {
            access.detachAppender(appender);
        }
        List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("POST /api/metrics 202 ").contains("app=backend");
        assertThat(lines.get(1)).startsWith("POST /api/metrics 401 ");
        assertThat(String.join("\n", lines)).doesNotContain(SERVER_KEY).doesNotContain(KEY).doesNotContain("key=");
    }

    @Test
    void shouldAnswer429WithRetryAfterWhenAKeyOrAnIpExceedsItsBucket(@TempDir Path dir) throws Exception {
        // Buckets that refill once in 100 s: each refusal below is deterministic.
        try (GatewayServer limited = GatewayServer.start(GatewayFixture.config(dir, topics, """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: backend}]
                rate-limits: {per-key: {rate: 0.01, burst: 3}, per-ip: {rate: 0.01, burst: 6}}
                """.formatted(bootstrap, SERVER_KEY)))) {
            assertRateLimited(limited);
        }
    }

    @Test
    void shouldRefuseWholeBatchWith429WhenTheKeysEventsBucketCannotHoldIt(LocalKafka kafka, @TempDir Path dir)
            throws Exception {
        // 150 events in the bucket, refilled once in 100 s; requests are plentiful. Its own topic: what a refused
        // batch wrote would show there.
        Map<String, String> own = new java.util.HashMap<>(topics);
        own.put("metrics", kafka.uniqueTopicName("events-bucket"));
        kafka.createTopic(own.get("metrics"), 1);
        try (GatewayServer limited = GatewayServer.start(GatewayFixture.config(dir, own, """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: backend}]
                limits: {items-per-batch: 100}
                rate-limits: {per-key: {rate: 1000, burst: 1000}, per-key-events: {rate: 0.01, burst: 150}}
                """.formatted(bootstrap, SERVER_KEY)))) {
            String hundred = batch(100);

            HttpResponse<String> first = send(post(limited.port(), "/api/metrics", "application/json", bytes(hundred))
                    .header("X-Telemetry-Key", SERVER_KEY).build());
            HttpResponse<String> second = send(post(limited.port(), "/api/metrics", "application/json", bytes(hundred))
                    .header("X-Telemetry-Key", SERVER_KEY).build());
            HttpResponse<String> fitting = send(post(limited.port(), "/api/metrics", "application/json", bytes(batch(40)))
                    .header("X-Telemetry-Key", SERVER_KEY).build());

            assertThat(first.statusCode()).isEqualTo(202);
            assertThat(second.statusCode()).as("100 events do not fit the 50 left: refused whole").isEqualTo(429);
            assertThat(second.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isGreaterThanOrEqualTo(1));
            assertThat(json(second).get("message").asText()).contains("too many events for this ingest key");
            assertThat(fitting.statusCode()).isEqualTo(202);
            HttpResponse<String> metrics = send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + limited.port() + "/metrics")).build());
            assertThat(metrics.body()).containsPattern("ingest_events_total\\{[^}]*outcome=\"rate_limited\"[^}]*route=\"metric\"[^}]*\\} 100.0");
            List<dev.telemetry.events.Envelope> stored = GatewayFixture.readUntil(bootstrap, List.of(own.get("metrics")),
                    read -> read.size() >= 140, java.time.Duration.ofSeconds(30));
            assertThat(stored).as("the first and the third batch, nothing of the refused one").hasSize(140);
        }
    }

    private static String batch(int events) {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i < events; i++) {
            body.append(i == 0 ? "" : ",").append("{\"name\":\"rl_events\",\"value\":").append(i).append('}');
        }
        return body.append(']').toString();
    }

    private static void assertRateLimited(GatewayServer limited) throws Exception {
        // per-key burst 3: the fourth request with the same key is refused...
        List<Integer> byKey = new ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = send(post(limited.port(), "/api/metrics", "application/json", bytes("{\"name\":\"rl\",\"value\":1}"))
                    .header("X-Telemetry-Key", SERVER_KEY).build());
            byKey.add(response.statusCode());
            refused = response;
        }
        assertThat(byKey).containsExactly(202, 202, 202, 429);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isGreaterThanOrEqualTo(1));
        assertThat(json(refused).get("message").asText()).contains("ingest key");

        // ...and per-IP burst 6 refuses this address whatever the key, even an unknown one (before authentication).
        List<Integer> byIp = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> response = send(post(limited.port(), "/api/metrics", "application/json", bytes("{\"name\":\"rl\",\"value\":1}"))
                    .header("X-Telemetry-Key", "unknown-" + i).build());
            byIp.add(response.statusCode());
            refused = response;
        }
        assertThat(byIp).contains(429).doesNotContain(200, 202);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused).get("message").asText()).contains("too many requests from 127.0.0.1");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    }

    @Test
    void shouldAnswer431InJsonWhenTheHeadersAreTooLarge() throws Exception {
        HttpResponse<String> response = send(post(tight.port(), "/api/metrics", "application/json", bytes("{\"name\":\"m\",\"value\":1}"))
                .header("X-Telemetry-Key", KEY).header("X-Padding", "p".repeat(8_000)).build());

        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(json(response).get("message").asText()).contains("headers are larger");
    }

    private static HttpRequest preflight(String origin, String path, String headers) {
        return HttpRequest.newBuilder(uri(gateway, path)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", headers).build();
    }

    private static List<Envelope> readIds(List<String> ids) {
        return GatewayFixture.readUntil(bootstrap, topics.values(),
                read -> read.stream().map(Envelope::eventId).toList().containsAll(ids), Duration.ofSeconds(60))
                .stream().filter(e -> ids.contains(e.eventId())).toList();
    }

    private static <T> T find(List<Envelope> stored, Class<T> type) {
        return stored.stream().map(Envelope::event).filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    private static URI uri(GatewayServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes(s));
        }
        return out.toByteArray();
    }
}
