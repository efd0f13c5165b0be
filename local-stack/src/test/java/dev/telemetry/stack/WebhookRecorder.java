package dev.telemetry.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real webhook receiver on a free localhost port for the cross-service tests: answers 200 to every JSON
 * body POSTed to {@code /hook} and keeps it, 400 to anything else.
 */
final class WebhookRecorder implements AutoCloseable {

    private static final JsonCodec CODEC = JsonCodec.standard();

    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    private WebhookRecorder(HttpServer server) {
        this.server = server;
    }

    static WebhookRecorder start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookRecorder recorder = new WebhookRecorder(server);
            server.createContext("/hook", exchange -> {
                try {
                    recorder.received.add(CODEC.readTree(exchange.getRequestBody().readAllBytes()));
                    exchange.sendResponseHeaders(200, -1);
                } catch (InvalidJsonException e) {
                    exchange.sendResponseHeaders(400, -1);
                }
                exchange.close();
            });
            server.start();
            return recorder;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the webhook receiver", e);
        }
    }

    /** The URL to configure as the sink's webhook. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Every JSON body received so far, in arrival order (a live view). */
    List<JsonNode> received() {
        return received;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
