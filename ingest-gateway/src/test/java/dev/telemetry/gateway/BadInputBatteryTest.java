package dev.telemetry.gateway;

import static dev.telemetry.gateway.testing.GatewayFixture.json;
import static dev.telemetry.gateway.testing.GatewayFixture.post;
import static dev.telemetry.gateway.testing.GatewayFixture.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.gateway.testing.GatewayFixture;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Well over a hundred malformed requests against one gateway: each must get a 4xx JSON error that
 * names its problem, none may be reported as the gateway's own error (Sentry), the gateway must
 * stay up, and nothing of it may reach Kafka.
 */
@ExtendWith(LocalKafkaExtension.class)
class BadInputBatteryTest {

    private static final String KEY = "battery-key";
    private static final int BODY_LIMIT = 1_048_576;
    private static final List<String> ROUTES = List.of("/api/analytics/vitals", "/api/metrics", "/api/analytics/actions",
            "/api/errors", "/api/network-errors", "/api/feedback", "/api/security/events", "/api/requests",
            "/api/synthetic", "/api/events");

    private static GatewayServer gateway;
    /** What would go to Sentry: clients' bad input must never get there. */
    private static final List<Throwable> REPORTED = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static Map<String, String> topics;
    private static String bootstrap;

    /** One malformed request and what its answer must say; {@code problem} is a case-insensitive regex. */
    record Case(String name, String path, String contentType, String encoding, byte[] body, int status, String problem) {
    }

    @BeforeAll
    static void startGateway(LocalKafka kafka, @TempDir Path dir) throws Exception {
        bootstrap = kafka.bootstrapServers();
        topics = GatewayFixture.uniqueRawTopics(kafka);
        gateway = GatewayServer.start(GatewayFixture.config(dir, topics, """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: battery}]
                limits: {body-bytes: %d, inflated-body-bytes: 4194304, items-per-batch: 1000}
                rate-limits: {per-key: {rate: 100000, burst: 100000}, per-ip: {rate: 100000, burst: 100000}}
                """.formatted(bootstrap, KEY, BODY_LIMIT)), (error, where) -> REPORTED.add(error));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldAnswerEveryMalformedRequestWith4xxNamingTheProblemWhenBombarded() throws Exception {
        List<Case> cases = cases();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(100);

        SoftAssertions softly = new SoftAssertions();
        for (Case c : cases) {
            HttpResponse<String> response = send(request(c));
            softly.assertThat(response.statusCode()).as("%s: status (body %s)", c.name(), response.body()).isEqualTo(c.status());
            softly.assertThat(response.headers().firstValue("Content-Type").orElse("")).as("%s: content type", c.name())
                    .startsWith("application/json");
            softly.assertThat(problemText(response)).as("%s: names the problem", c.name())
                    .containsPattern(Pattern.compile(c.problem(), Pattern.CASE_INSENSITIVE));
        }
        Case chunked = new Case("oversized chunked body", "/api/metrics", "application/json", null, null, 413, "limit");
        RawResponse raw = postChunked("/api/metrics", 3 * BODY_LIMIT);
        softly.assertThat(raw.status()).as("%s: status (%s)", chunked.name(), raw.body()).isEqualTo(413);
        softly.assertThat(raw.body()).as("%s: names the problem", chunked.name()).contains("limit of " + BODY_LIMIT);
        softly.assertAll();

        assertThat(REPORTED).as("exceptions reported as the gateway's own errors").isEmpty();

        // The server is still up and still accepts good data...
        HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/api/health")).build());
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<String> good = send(post(gateway.port(), "/api/metrics", "application/json",
                bytes("{\"name\":\"battery_sentinel\",\"value\":1}")).header("X-Telemetry-Key", KEY).build());
        assertThat(good.statusCode()).isEqualTo(202);
        String sentinel = GatewayFixture.eventIds(good).get(0);

        // ...and the only thing in any raw topic is that good event: no malformed request wrote anything.
        List<Envelope> stored = GatewayFixture.readUntil(bootstrap, topics.values(),
                read -> read.stream().anyMatch(e -> e.eventId().equals(sentinel)), Duration.ofSeconds(60));
        assertThat(stored).extracting(Envelope::eventId).containsExactly(sentinel);
    }

    private static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        String vital = "{\"name\":\"LCP\",\"value\":2400,\"id\":\"v4-1\",\"navigationType\":\"navigate\"}";
        // Truncated JSON, at every tenth of a valid body, on two routes.
        for (int cut = 1; cut < 10; cut++) {
            String metric = "{\"name\":\"cart_ms\",\"value\":12,\"timestamp\":1764237600000,\"tags\":{\"env\":\"prod\"}}";
            add(cases, "truncated metric at " + cut + "/10", "/api/metrics", metric.substring(0, metric.length() * cut / 10), 400, "malformed JSON|unexpected end|end-of-input");
            add(cases, "truncated vital at " + cut + "/10", "/api/analytics/vitals", vital.substring(0, vital.length() * cut / 10), 400, "malformed JSON|unexpected end|end-of-input");
        }
        // Empty and blank bodies on every route.
        for (String route : ROUTES) {
            add(cases, "empty body on " + route, route, "", 400, "empty");
            add(cases, "blank body on " + route, route, " \n\t ", 400, "empty");
            add(cases, "empty object on " + route, route, "{}", 400, route.equals("/api/events") ? "type" : "is required");
        }
        add(cases, "empty array", "/api/metrics", "[]", 400, "empty");
        // Wrong types, per route.
        add(cases, "vital value as string", "/api/analytics/vitals", "{\"name\":\"LCP\",\"value\":\"fast\",\"id\":\"x\"}", 400, "value.*must be a number");
        add(cases, "vital id as number", "/api/analytics/vitals", "{\"name\":\"LCP\",\"value\":1,\"id\":7}", 400, "id.*must be a string");
        add(cases, "vital attribution as string", "/api/analytics/vitals", "{\"name\":\"LCP\",\"value\":1,\"id\":\"x\",\"attribution\":\"img\"}", 400, "attribution.*must be an object");
        add(cases, "vital attribution part as string", "/api/analytics/vitals", "{\"name\":\"INP\",\"value\":1,\"id\":\"x\",\"attribution\":{\"inputDelay\":\"1\"}}", 400, "attribution\\.inputDelay.*must be a number");
        add(cases, "vital attribution target as object", "/api/analytics/vitals", "{\"name\":\"CLS\",\"value\":1,\"id\":\"x\",\"attribution\":{\"largestShiftTarget\":{}}}", 400, "attribution\\.largestShiftTarget.*must be a string");
        add(cases, "vital form factor unknown", "/api/analytics/vitals", "{\"name\":\"LCP\",\"value\":1,\"id\":\"x\",\"formFactor\":\"tv\"}", 400, "formFactor.*must be one of");
        add(cases, "vital connection unknown", "/api/analytics/vitals", "{\"name\":\"LCP\",\"value\":1,\"id\":\"x\",\"connection\":\"5g\"}", 400, "connection.*must be one of");
        add(cases, "metric name as number", "/api/metrics", "{\"name\":5,\"value\":1}", 400, "name.*must be a string");
        add(cases, "metric tags as array", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"tags\":[1]}", 400, "tags.*must be an object");
        add(cases, "metric tag as object", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"tags\":{\"a\":{}}}", 400, "tags.a");
        add(cases, "action duration as string", "/api/analytics/actions", "{\"action\":\"click\",\"duration\":\"slow\"}", 400, "duration");
        add(cases, "action metadata as string", "/api/analytics/actions", "{\"action\":\"click\",\"duration\":3,\"metadata\":\"x\"}", 400, "metadata.*must be an object");
        add(cases, "error message as object", "/api/errors", "{\"message\":{}}", 400, "message");
        add(cases, "network error status as string", "/api/network-errors", "{\"url\":\"/a\",\"status\":\"500\",\"method\":\"GET\",\"duration\":1}", 400, "status");
        add(cases, "feedback comments as number", "/api/feedback", "{\"name\":\"a\",\"email\":\"a@b.c\",\"comments\":5}", 400, "comments");
        add(cases, "security event as boolean", "/api/security/events", "{\"event\":true,\"severity\":\"high\"}", 400, "event");
        add(cases, "request status as string", "/api/requests", "{\"ip\":\"1.2.3.4\",\"method\":\"GET\",\"endpoint\":\"/\",\"status\":\"ok\",\"durationMs\":1}", 400, "status");
        add(cases, "synthetic success as string", "/api/synthetic", "{\"check\":\"home\",\"success\":\"yes\",\"durationMs\":1}", 400, "success");
        add(cases, "mixed batch item without type", "/api/events", "[{\"name\":\"m\",\"value\":1}]", 400, "type.*must be one of");
        add(cases, "mixed batch unknown type", "/api/events", "[{\"type\":\"nope\",\"name\":\"m\",\"value\":1}]", 400, "type.*must be one of");
        add(cases, "array of numbers", "/api/metrics", "[1,2,3]", 400, "must be a JSON object");
        add(cases, "top-level string", "/api/metrics", "\"metric\"", 400, "must be a JSON object");
        add(cases, "top-level null", "/api/metrics", "null", 400, "must be a JSON object");
        add(cases, "top-level true", "/api/metrics", "true", 400, "must be a JSON object");
        // Out of range.
        add(cases, "negative CLS", "/api/analytics/vitals", "{\"name\":\"CLS\",\"value\":-0.1,\"id\":\"x\"}", 400, "value.*negative");
        add(cases, "negative INP", "/api/analytics/vitals", "{\"name\":\"INP\",\"value\":-5,\"id\":\"x\"}", 400, "value.*negative");
        add(cases, "bad rating", "/api/analytics/vitals", "{\"name\":\"LCP\",\"value\":1,\"id\":\"x\",\"rating\":\"great\"}", 400, "rating");
        add(cases, "status 99", "/api/network-errors", "{\"url\":\"/a\",\"status\":99,\"method\":\"GET\",\"duration\":1}", 400, "status.*between 100 and 599");
        add(cases, "status 600", "/api/requests", "{\"ip\":\"1.2.3.4\",\"method\":\"GET\",\"endpoint\":\"/\",\"status\":600,\"durationMs\":1}", 400, "status.*between");
        add(cases, "negative action duration", "/api/analytics/actions", "{\"action\":\"click\",\"duration\":-1}", 400, "duration");
        add(cases, "timestamp in words", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"timestamp\":\"yesterday\"}", 400, "timestamp.*epoch milliseconds");
        add(cases, "negative timestamp", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"timestamp\":-5}", 400, "timestamp");
        // Duplicate keys.
        add(cases, "duplicate value", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"value\":2}", 400, "duplicate key");
        add(cases, "duplicate name", "/api/analytics/vitals", "{\"name\":\"LCP\",\"name\":\"CLS\",\"value\":1,\"id\":\"x\"}", 400, "duplicate key");
        add(cases, "duplicate nested key", "/api/analytics/actions", "{\"action\":\"a\",\"duration\":1,\"metadata\":{\"k\":1,\"k\":2}}", 400, "duplicate key");
        add(cases, "duplicate tag", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"tags\":{\"a\":\"1\",\"a\":\"2\"}}", 400, "duplicate key");
        add(cases, "duplicate key in NDJSON line 2", "/api/metrics", "{\"name\":\"m\",\"value\":1}\n{\"name\":\"m\",\"name\":\"n\",\"value\":1}", 400, "duplicate key", "application/x-ndjson");
        // Not finite numbers.
        for (String number : List.of("NaN", "Infinity", "-Infinity", "+Infinity")) {
            add(cases, number + " metric", "/api/metrics", "{\"name\":\"m\",\"value\":" + number + "}", 400, "NaN and Infinity|malformed JSON");
            add(cases, number + " vital", "/api/analytics/vitals", "{\"name\":\"LCP\",\"value\":" + number + ",\"id\":\"x\"}", 400, "NaN and Infinity|malformed JSON");
        }
        for (String number : List.of("1e400", "-1e400", "1e999999")) {
            add(cases, number + " metric", "/api/metrics", "{\"name\":\"m\",\"value\":" + number + "}", 400, "value.*finite");
            add(cases, number + " duration", "/api/analytics/actions", "{\"action\":\"a\",\"duration\":" + number + "}", 400, "duration.*finite|duration");
        }
        add(cases, "100-digit number", "/api/metrics", "{\"name\":\"m\",\"value\":1" + "0".repeat(100) + "}", 400, "read limit");
        add(cases, "infinite tag", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"tags\":{\"a\":1e400}}", 400, "tags.a.*finite");
        // Nesting.
        add(cases, "array nesting 10000", "/api/metrics", "[".repeat(10_000) + "]".repeat(10_000), 400, "read limit.*nesting|nesting");
        add(cases, "object nesting 10000", "/api/metrics", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000), 400, "nesting");
        add(cases, "metadata nested 10 deep", "/api/analytics/actions", "{\"action\":\"a\",\"duration\":1,\"metadata\":"
                + "{\"a\":".repeat(10) + "1" + "}".repeat(10) + "}", 400, "metadata.*nested deeper");
        // Long strings.
        add(cases, "1 MB string", "/api/metrics", "{\"name\":\"" + "x".repeat(1_048_576) + "\",\"value\":1}", 413, "limit");
        add(cases, "300 kB string", "/api/metrics", "{\"name\":\"" + "x".repeat(300_000) + "\",\"value\":1}", 400, "read limit.*string");
        add(cases, "2000-char name", "/api/metrics", "{\"name\":\"" + "x".repeat(2000) + "\",\"value\":1}", 400, "name.*limit is 1024");
        add(cases, "100 kB message", "/api/errors", "{\"message\":\"" + "x".repeat(100_000) + "\"}", 400, "message.*limit");
        add(cases, "65 metadata keys", "/api/analytics/actions", "{\"action\":\"a\",\"duration\":1,\"metadata\":{"
                + String.join(",", java.util.stream.IntStream.range(0, 65).mapToObj(i -> "\"k" + i + "\":1").toList()) + "}}", 400, "metadata.*more than 64 keys");
        add(cases, "33 tags", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"tags\":{"
                + String.join(",", java.util.stream.IntStream.range(0, 33).mapToObj(i -> "\"t" + i + "\":\"v\"").toList()) + "}}", 400, "tags.*limit is 32");
        // Invalid UTF-8 bytes.
        cases.add(raw("lone 0xFF byte", "/api/metrics", concat("{\"name\":\"", new byte[] {(byte) 0xFF}, "\",\"value\":1}"), 400, "not valid UTF-8"));
        cases.add(raw("overlong slash C0 AF", "/api/metrics", concat("{\"name\":\"", new byte[] {(byte) 0xC0, (byte) 0xAF}, "\",\"value\":1}"), 400, "not valid UTF-8"));
        cases.add(raw("truncated 3-byte sequence", "/api/metrics", concat("{\"name\":\"", new byte[] {(byte) 0xE2, (byte) 0x82}, "\",\"value\":1}"), 400, "not valid UTF-8"));
        cases.add(raw("encoded surrogate ED A0 80", "/api/metrics", concat("{\"name\":\"", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\",\"value\":1}"), 400, "not valid UTF-8"));
        cases.add(raw("above U+10FFFF F4 90 80 80", "/api/metrics", concat("{\"name\":\"", new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, "\",\"value\":1}"), 400, "not valid UTF-8"));
        cases.add(raw("Latin-1 body", "/api/feedback", "{\"name\":\"Zoë\",\"email\":\"z@x.io\",\"comments\":\"très bien\"}".getBytes(StandardCharsets.ISO_8859_1), 400, "not valid UTF-8"));
        // Lone surrogates as JSON escapes.
        add(cases, "lone high surrogate in name", "/api/metrics", "{\"name\":\"a\\ud800\",\"value\":1}", 400, "name.*surrogate");
        add(cases, "lone low surrogate in name", "/api/metrics", "{\"name\":\"\\udc00\",\"value\":1}", 400, "name.*surrogate");
        add(cases, "reversed surrogate pair", "/api/errors", "{\"message\":\"\\udc00\\ud800\"}", 400, "message.*surrogate");
        add(cases, "lone surrogate in tag value", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"tags\":{\"a\":\"\\ud83d\"}}", 400, "tags.a.*surrogate");
        add(cases, "lone surrogate in metadata key", "/api/analytics/actions", "{\"action\":\"a\",\"duration\":1,\"metadata\":{\"\\ud800\":1}}", 400, "surrogate");
        add(cases, "lone surrogate in metadata value", "/api/analytics/actions", "{\"action\":\"a\",\"duration\":1,\"metadata\":{\"k\":\"\\udfff\"}}", 400, "metadata.k.*surrogate");
        // Names: one grammar for metric, action and check names and tag keys; vitals are a closed set.
        add(cases, "SQL as a vital name", "/api/analytics/vitals", "{\"name\":\"DROP TABLE\",\"value\":1,\"id\":\"x\"}", 400, "name.*web vital.*LCP");
        add(cases, "unknown vital name", "/api/analytics/vitals", "{\"name\":\"LCPX\",\"value\":1,\"id\":\"x\"}", 400, "name.*web vital");
        add(cases, "feature timing with a bad name", "/api/analytics/vitals", "{\"name\":\"feature-a b\",\"value\":1,\"id\":\"x\"}", 400, "name.*feature-<name>");
        add(cases, "metric name starting with a digit", "/api/metrics", "{\"name\":\"1st\",\"value\":1}", 400, "name.*must start with a letter");
        add(cases, "metric name with a space", "/api/metrics", "{\"name\":\"checkout time\",\"value\":1}", 400, "name.*must start with a letter");
        add(cases, "metric name with markup", "/api/metrics", "{\"name\":\"x<script>\",\"value\":1}", 400, "name.*must start with a letter");
        add(cases, "action name with a quote", "/api/analytics/actions", "{\"action\":\"a'b\",\"duration\":1}", 400, "action.*must start with a letter");
        add(cases, "check name with a colon", "/api/synthetic", "{\"check\":\"home:1\",\"success\":true}", 400, "check.*must start with a letter");
        add(cases, "tag key with a space", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"tags\":{\"bad key\":\"v\"}}", 400, "tags.bad key.*tag names must start with a letter");
        add(cases, "256-character metric name", "/api/metrics", "{\"name\":\"" + "a".repeat(256) + "\",\"value\":1}", 400, "name");
        // ...also in fields the gateway does not keep: the body is not Unicode, wherever the escape sits.
        add(cases, "lone surrogate in an unknown field", "/api/metrics", "{\"name\":\"m\",\"value\":1,\"note\":\"\\ud800\"}", 400, "note.*surrogate");
        add(cases, "lone surrogate in an unknown nested field", "/api/analytics/vitals", "{\"name\":\"LCP\",\"value\":1,\"id\":\"x\",\"extra\":{\"deep\":[1,\"\\udc01\"]}}", 400, "extra.deep\\[1\\].*surrogate");
        add(cases, "lone surrogate in an unknown key", "/api/feedback", "{\"comments\":\"ok\",\"x\\ud800\":1}", 400, "surrogate");
        add(cases, "lone surrogate in a mixed batch's unknown field", "/api/events", "[{\"type\":\"metric\",\"name\":\"m\",\"value\":1,\"why\":\"\\udbff\"}]", 400, "why.*surrogate");
        // Huge arrays.
        add(cases, "1001 events", "/api/metrics", "[" + String.join(",", java.util.Collections.nCopies(1001, "{\"name\":\"m\",\"value\":1}")) + "]", 413, "1001 events.*limit is 1000");
        add(cases, "200 000 numbers", "/api/metrics", "[" + String.join(",", java.util.Collections.nCopies(200_000, "1")) + "]", 413, "200000 events");
        add(cases, "1001 NDJSON lines", "/api/metrics", String.join("\n", java.util.Collections.nCopies(1001, "{\"name\":\"m\",\"value\":1}")), 413, "limit is 1000", "application/x-ndjson");
        // Trailing garbage and other syntax.
        add(cases, "two documents", "/api/metrics", "{\"name\":\"m\",\"value\":1} {\"name\":\"m\",\"value\":2}", 400, "malformed JSON|trailing");
        add(cases, "single quotes", "/api/metrics", "{'name':'m','value':1}", 400, "malformed JSON");
        add(cases, "trailing comma", "/api/metrics", "{\"name\":\"m\",\"value\":1,}", 400, "malformed JSON");
        add(cases, "comment", "/api/metrics", "/* hi */{\"name\":\"m\",\"value\":1}", 400, "malformed JSON");
        add(cases, "bad NDJSON line", "/api/metrics", "{\"name\":\"m\",\"value\":1}\n{oops}", 400, "line 2", "application/x-ndjson");
        // Wrong content types and encodings.
        for (String type : List.of("application/xml", "text/html", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                "image/png", "application/octet-stream", "text/csv")) {
            cases.add(new Case("content type " + type, "/api/metrics", type, null, bytes("{\"name\":\"m\",\"value\":1}"), 415, "Content-Type.*not accepted"));
        }
        cases.add(new Case("Content-Encoding br", "/api/metrics", "application/json", "br", bytes("{\"name\":\"m\",\"value\":1}"), 415, "Content-Encoding 'br'"));
        cases.add(new Case("Content-Encoding deflate", "/api/metrics", "application/json", "deflate", bytes("{\"name\":\"m\",\"value\":1}"), 415, "Content-Encoding"));
        // Gzip: a bomb, plain bytes labelled gzip, a truncated stream, bad JSON inside good gzip.
        cases.add(new Case("gzip bomb (100 MB of zeros)", "/api/metrics", "application/json", "gzip", gzipZeros(100 * 1024 * 1024), 413, "inflates to more than"));
        cases.add(new Case("gzip bomb of JSON spaces", "/api/metrics", "application/json", "gzip", gzip(" ".repeat(8 * 1024 * 1024) + "{}"), 413, "inflates to more than"));
        cases.add(new Case("not gzip", "/api/metrics", "application/json", "gzip", bytes("{\"name\":\"m\",\"value\":1}"), 400, "not valid gzip"));
        byte[] good = gzip("{\"name\":\"m\",\"value\":1}");
        cases.add(new Case("truncated gzip", "/api/metrics", "application/json", "gzip", java.util.Arrays.copyOf(good, good.length - 6), 400, "gzip"));
        cases.add(new Case("gzip of bad JSON", "/api/metrics", "application/json", "gzip", gzip("{\"name\":"), 400, "malformed JSON"));
        cases.add(new Case("gzip of invalid UTF-8", "/api/metrics", "application/json", "gzip", gzipBytes(concat("{\"name\":\"", new byte[] {(byte) 0xFF}, "\",\"value\":1}")), 400, "not valid UTF-8"));
        // Authentication.
        cases.add(new Case("no key", "/api/metrics", "application/json", null, bytes("{\"name\":\"m\",\"value\":1}"), 401, "missing ingest key"));
        return cases;
    }

    private static void add(List<Case> cases, String name, String path, String body, int status, String problem) {
        add(cases, name, path, body, status, problem, "application/json");
    }

    private static void add(List<Case> cases, String name, String path, String body, int status, String problem, String contentType) {
        cases.add(new Case(name, path, contentType, null, bytes(body), status, problem));
    }

    private static Case raw(String name, String path, byte[] body, int status, String problem) {
        return new Case(name, path, "application/json", null, body, status, problem);
    }

    private static HttpRequest request(Case c) {
        HttpRequest.Builder request = post(gateway.port(), c.path(), c.contentType(), c.body());
        if (c.encoding() != null) {
            request.header("Content-Encoding", c.encoding());
        }
        if (!c.name().equals("no key")) {
            request.header("X-Telemetry-Key", KEY);
        }
        return request.build();
    }

    /** The error message plus every per-item rejection: together they must name the problem. */
    private static String problemText(HttpResponse<String> response) {
        try {
            JsonNode body = json(response);
            StringBuilder text = new StringBuilder(body.path("message").asText());
            body.path("rejected").forEach(r -> text.append(" | ").append(r.path("field").asText()).append(": ").append(r.path("message").asText()));
            return text.toString();
        } catch (Exception e) {
            return "not JSON: " + response.body();
        }
    }

    record RawResponse(int status, String body) {
    }

    /**
     * POSTs a chunked body (no Content-Length) of {@code size} bytes over a raw socket: the gateway
     * must stop reading at its limit and answer 413, so the client may find the connection closed
     * before it has sent everything.
     */
    private static RawResponse postChunked(String path, int size) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 10_000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Telemetry-Key: " + KEY + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "[".concat("{\"name\":\"m\",\"value\":1},".repeat(400)).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int sent = 0; sent < size; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException closedEarly) {
                // Expected: the server answered and closed while we were still sending.
            }
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyStart = response.indexOf("\r\n\r\n");
            return new RawResponse(status, bodyStart < 0 ? "" : response.substring(bodyStart + 4));
        }
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + gateway.port() + path);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(before));
        out.writeBytes(middle);
        out.writeBytes(bytes(after));
        return out.toByteArray();
    }

    private static byte[] gzip(String s) throws IOException {
        return gzipBytes(bytes(s));
    }

    private static byte[] gzipBytes(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] gzipZeros(int size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] zeros = new byte[1 << 20];
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            for (int written = 0; written < size; written += zeros.length) {
                gz.write(zeros);
            }
        }
        return out.toByteArray();
    }
}
