package dev.telemetry.service.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint of the back-end services (processor, sink, prober): {@code GET /health}
 * and {@code GET /metrics} on a small JDK HTTP server, so they need no web framework. Extra
 * read-only routes can be added with {@link #route}; routes that take other methods (the sink's
 * silences API) with {@link #handle}, whose refusals are rendered in one place.
 */
public final class OpsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final String host;
    private final Instant started = Instant.now();

    public OpsServer(String host, int port, String version, PrometheusMeterRegistry registry, Supplier<Health> health) {
        this.host = host;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " for /health and /metrics: " + e.getMessage(), e);
        }
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", registry.scrape().getBytes(StandardCharsets.UTF_8)));
        server.createContext("/health", exchange -> {
            long t0 = System.nanoTime();
            Health h;
            try {
                h = health.get();
            } catch (RuntimeException e) {
                LOG.warn("health check failed", e);
                h = new Health(Health.Status.UNHEALTHY, Map.of(), Map.of("error", String.valueOf(e.getMessage())));
            }
            Map<String, Object> body = h.body(version, java.time.Duration.between(started, Instant.now()),
                    (System.nanoTime() - t0) / 1_000_000.0);
            respond(exchange, h.status().httpStatus(), "application/json", JSON.writeValueAsBytes(body));
        });
    }

    /** What a {@link #handle} route answers. */
    public record Response(int status, String contentType, byte[] body) {

        public static Response json(int status, byte[] body) {
            return new Response(status, "application/json", body);
        }
    }

    /** A request a route refuses, with the status that says why; rendered as {@code {"error": "..."}}. */
    public static final class HttpError extends RuntimeException {
        private final int status;

        public HttpError(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Answers one request of any method; throws {@link HttpError} to refuse it. */
    @FunctionalInterface
    public interface Handler {
        Response handle(HttpExchange exchange) throws IOException;
    }

    /**
     * Adds a route under {@code path} (and below it) for any method. An {@link HttpError} becomes its
     * status; any other exception 503 when something is not ready ({@link IllegalStateException}),
     * else 500, logged: only server errors are.
     */
    public OpsServer handle(String path, Handler handler) {
        server.createContext(path, exchange -> {
            try (exchange) {
                Response response;
                try {
                    response = handler.handle(exchange);
                } catch (HttpError e) {
                    response = Response.json(e.status(), JSON.writeValueAsBytes(Map.of("error", e.getMessage())));
                } catch (RuntimeException e) {
                    LOG.warn("{} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI().getPath(), e.toString());
                    response = Response.json(e instanceof IllegalStateException ? 503 : 500,
                            JSON.writeValueAsBytes(Map.of("error", String.valueOf(e.getMessage()))));
                }
                exchange.getResponseHeaders().set("Content-Type", response.contentType());
                exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
                if (response.body().length > 0) {
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(response.body());
                    }
                }
            }
        });
        return this;
    }

    /** Adds a GET route answering JSON. */
    public OpsServer route(String path, Supplier<Object> body) {
        server.createContext(path, exchange -> respond(exchange, 200, "application/json", JSON.writeValueAsBytes(body.get())));
        return this;
    }

    public OpsServer start() {
        server.start();
        LOG.info("operations endpoint on http://{}:{}/health and /metrics (pid {})",
                host, port(), ManagementFactory.getRuntimeMXBean().getPid());
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
