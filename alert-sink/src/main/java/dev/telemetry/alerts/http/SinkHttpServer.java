package dev.telemetry.alerts.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.telemetry.alerts.silence.Matcher;
import dev.telemetry.alerts.silence.Silence;
import dev.telemetry.alerts.silence.SilenceStore;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.service.ops.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's operations port: {@code GET /health}, {@code GET /metrics} (as every service's), and
 * the silences API, which writes and so needs more than the service kit's read-only endpoint:
 * {@code GET /api/silences}, {@code POST /api/silences}, {@code DELETE /api/silences/{id}}, each
 * with {@code Authorization: Bearer <admin-token>}. Errors are rendered in one place as
 * {@code {"error": "..."}}.
 */
public final class SinkHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkHttpServer.class);
    private static final ObjectMapper JSON = JsonCodec.standard().mapper();
    private static final String SILENCES = "/api/silences";

    /** A request the API refuses, with the status that says why. */
    private static final class HttpError extends RuntimeException {
        final int status;

        HttpError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final HttpServer server;
    private final Instant started = Instant.now();
    private final SilenceStore silences;
    private final byte[] adminToken;
    private final Clock clock;

    public SinkHttpServer(String host, int port, String version, PrometheusMeterRegistry registry, Supplier<Health> health,
                          SilenceStore silences, String adminToken, Clock clock) {
        this.silences = silences;
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " for /health and /metrics: " + e.getMessage(), e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "sink-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> handle(exchange, () -> {
            requireMethod(exchange, "GET");
            return new Response(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8));
        }));
        server.createContext("/health", exchange -> handle(exchange, () -> {
            requireMethod(exchange, "GET");
            long t0 = System.nanoTime();
            Health h = health.get();
            Map<String, Object> body = h.body(version, Duration.between(started, Instant.now()), (System.nanoTime() - t0) / 1_000_000.0);
            return json(h.status().httpStatus(), body);
        }));
        server.createContext(SILENCES, exchange -> handle(exchange, () -> silences(exchange)));
    }

    private record Response(int status, String contentType, byte[] body) {
    }

    private interface Handler {
        Response handle() throws IOException;
    }

    public SinkHttpServer start() {
        server.start();
        LOG.info("operations endpoint on http://{}:{}/health and /metrics, silences API on /api/silences{} (pid {})",
                server.getAddress().getHostString(), port(), adminToken.length == 0 ? " (disabled: no admin token)" : "",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getPid());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private Response silences(HttpExchange exchange) throws IOException {
        authorize(exchange);
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals(SILENCES) || path.equals(SILENCES + "/")) {
            if (method.equals("GET")) {
                Instant now = clock.instant();
                List<Map<String, Object>> list = new ArrayList<>();
                for (Silence silence : silences.list()) {
                    list.add(view(silence, now));
                }
                return json(200, list);
            }
            if (method.equals("POST")) {
                Silence created = create(exchange.getRequestBody().readAllBytes());
                LOG.info("silence {} created by {} until {}: {} ({})", created.id(), created.createdBy(), created.endsAt(),
                        created.matchers().stream().map(Matcher::text).toList(), created.comment());
                return json(200, Map.of("silenceID", created.id()));
            }
            throw new HttpError(405, "use GET or POST on " + SILENCES);
        }
        String id = path.substring(SILENCES.length() + 1);
        if (method.equals("GET")) {
            return json(200, view(silences.get(id).orElseThrow(() -> new HttpError(404, "no silence " + id)), clock.instant()));
        }
        if (method.equals("DELETE")) {
            Silence expired = silences.expire(id).orElseThrow(() -> new HttpError(404, "no silence " + id));
            LOG.info("silence {} expired", expired.id());
            return json(200, view(expired, clock.instant()));
        }
        throw new HttpError(405, "use GET or DELETE on " + SILENCES + "/{id}");
    }

    private Silence create(byte[] body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new HttpError(400, "body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new HttpError(400, "body must be a JSON object");
        }
        List<Matcher> matchers = new ArrayList<>();
        JsonNode list = node.path("matchers");
        if (!list.isArray() || list.isEmpty()) {
            throw new HttpError(400, "matchers: at least one matcher {name, value, isRegex, isEqual} is required");
        }
        for (JsonNode m : list) {
            String name = m.path("name").asText("");
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new HttpError(400, "matchers: '" + name + "' is not a label name");
            }
            try {
                matchers.add(new Matcher(name, m.path("value").asText(""), m.path("isRegex").asBoolean(false),
                        m.path("isEqual").asBoolean(true)));
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, e.getMessage());
            }
        }
        Instant startsAt = node.hasNonNull("startsAt") ? instant(node, "startsAt") : clock.instant();
        Instant endsAt = instant(node, "endsAt");
        if (!endsAt.isAfter(startsAt)) {
            throw new HttpError(400, "endsAt must be after startsAt");
        }
        String createdBy = node.path("createdBy").asText("").strip();
        String comment = node.path("comment").asText("").strip();
        if (createdBy.isEmpty() || comment.isEmpty()) {
            throw new HttpError(400, "createdBy and comment are required: the on-call engineer must know who muted what and why");
        }
        return silences.create(matchers, startsAt, endsAt, createdBy, comment);
    }

    private static Instant instant(JsonNode node, String field) {
        try {
            return Instant.parse(node.path(field).asText(""));
        } catch (DateTimeParseException e) {
            throw new HttpError(400, field + ": an RFC 3339 time like 2024-05-01T10:00:00Z is required");
        }
    }

    private static Map<String, Object> view(Silence silence, Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", silence.id());
        view.put("status", Map.of("state", silence.state(now)));
        view.put("matchers", silence.matchers());
        view.put("startsAt", silence.startsAt().toString());
        view.put("endsAt", silence.endsAt().toString());
        view.put("updatedAt", silence.updatedAt().toString());
        view.put("createdBy", silence.createdBy());
        view.put("comment", silence.comment());
        return view;
    }

    private void authorize(HttpExchange exchange) {
        if (adminToken.length == 0) {
            throw new HttpError(403, "the silences API is disabled: set admin-token (SINK_ADMIN_TOKEN)");
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).strip() : "";
        // Constant-time comparison: the token is the only thing between the network and muting every pager.
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), adminToken)) {
            throw new HttpError(401, "a valid admin token is required (Authorization: Bearer <token>)");
        }
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        String actual = exchange.getRequestMethod();
        if (!actual.equals(method) && !(method.equals("GET") && actual.equals("HEAD"))) {
            throw new HttpError(405, "use " + method);
        }
    }

    private static Response json(int status, Object body) throws IOException {
        return new Response(status, "application/json", JSON.writeValueAsBytes(body));
    }

    /** The one place that turns an outcome or an error into an HTTP answer; only server errors are logged. */
    private static void handle(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = handler.handle();
            } catch (HttpError e) {
                response = json(e.status, Map.of("error", e.getMessage()));
            } catch (RuntimeException e) {
                LOG.warn("{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e.toString());
                response = json(e instanceof IllegalStateException ? 503 : 500, Map.of("error", String.valueOf(e.getMessage())));
            }
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
            if (response.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(response.body());
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
