package dev.telemetry.browser;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The web application of the end-to-end test: a real HTTP server on a free localhost port that serves
 * the test page, the client's own {@code src/} and the npm-installed {@code web-vitals} build, and an
 * API route that always fails (503) for the network-error journey. Its port differs from the
 * gateway's, so the page is cross-origin to the gateway, as in production.
 */
final class PageServer implements AutoCloseable {

    /** ES modules are refused by the browser unless served with a JavaScript MIME type. */
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "map", "application/json; charset=utf-8");

    private final HttpServer server;

    private PageServer(HttpServer server) {
        this.server = server;
    }

    /**
     * @param clientDir the browser client's directory: {@code src/} and {@code node_modules/} are served from it
     */
    static PageServer start(Path clientDir) throws IOException {
        Path webVitals = clientDir.resolve("node_modules/web-vitals/dist");
        if (!Files.isRegularFile(webVitals.resolve("web-vitals.attribution.js"))) {
            throw new IllegalStateException(webVitals.resolve("web-vitals.attribution.js")
                    + " is missing: the build runs `npm ci` in " + clientDir + " before the tests (run `mvn verify`, or `npm ci` there)");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/src/", exchange -> serveFile(exchange, clientDir.resolve("src"), "/src/"));
        server.createContext("/node_modules/web-vitals/dist/", exchange ->
                serveFile(exchange, webVitals, "/node_modules/web-vitals/dist/"));
        server.createContext("/api/sync", exchange -> respond(exchange, 503, "application/json",
                "{\"error\":\"sync is down\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        server.createContext("/", PageServer::servePage);
        server.start();
        return new PageServer(server);
    }

    /** The page's origin, e.g. {@code http://127.0.0.1:40123}: what the gateway's key must allow. */
    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static void servePage(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String name = path.equals("/") ? "index.html" : path.substring(1);
        if (!name.matches("[a-z]+\\.html")) {
            respond(exchange, 404, "text/plain", new byte[0]);
            return;
        }
        try (InputStream page = PageServer.class.getResourceAsStream("/page/" + name)) {
            if (page == null) {
                respond(exchange, 404, "text/plain", new byte[0]);
                return;
            }
            respond(exchange, 200, TYPES.get("html"), page.readAllBytes());
        }
    }

    private static void serveFile(HttpExchange exchange, Path root, String prefix) throws IOException {
        Path file = root.resolve(exchange.getRequestURI().getPath().substring(prefix.length())).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            respond(exchange, 404, "text/plain", new byte[0]);
            return;
        }
        String name = file.getFileName().toString();
        String type = TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream");
        respond(exchange, 200, type, Files.readAllBytes(file));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
