package dev.telemetry.service.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A local stand-in for sentry.io: the Sentry SDK posts each event as an envelope to
 * {@code /api/<project>/envelope/}; this server keeps every envelope as "path, newline, body".
 */
public final class FakeSentry implements AutoCloseable {

    private final HttpServer server;
    private final List<String> envelopes = new CopyOnWriteArrayList<>();

    public FakeSentry() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            envelopes.add(exchange.getRequestURI().getPath() + "\n" + body(exchange.getRequestBody(),
                    "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    /** A DSN that sends {@code project}'s events here. */
    public String dsn(int project) {
        return "http://publickey@127.0.0.1:" + server.getAddress().getPort() + "/" + project;
    }

    public List<String> envelopes() {
        return envelopes;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static String body(InputStream in, boolean gzip) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        (gzip ? new GZIPInputStream(in) : in).transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
