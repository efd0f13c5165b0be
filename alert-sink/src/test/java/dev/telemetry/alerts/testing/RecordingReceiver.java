package dev.telemetry.alerts.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP receiver on a free local port that records every request and answers from a script
 * (then 200). A scripted {@link Reply#hang()} holds the request until the receiver is closed.
 */
public final class RecordingReceiver implements AutoCloseable {

    /**
     * What the receiver answers to one request. With a {@code gate} the answer waits until the gate
     * opens; status 0 never answers (the exchange is dropped when the receiver closes).
     */
    public record Reply(int status, Map<String, String> headers, String body, CountDownLatch gate) {
        public static Reply status(int status) {
            return new Reply(status, Map.of(), "", null);
        }

        public static Reply status(int status, String body) {
            return new Reply(status, Map.of(), body, null);
        }

        public static Reply withHeader(int status, String header, String value) {
            return new Reply(status, Map.of(header, value), "", null);
        }

        /** Holds the request until the receiver closes, then drops it: a receiver that hangs. */
        public static Reply hang() {
            return new Reply(0, Map.of(), "", new CountDownLatch(1));
        }

        /** Answers {@code status} once {@code gate} opens. */
        public static Reply after(CountDownLatch gate, int status) {
            return new Reply(status, Map.of(), "", gate);
        }
    }

    /** One request as received. */
    public record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst().map(e -> e.getValue().get(0)).orElse(null);
        }

        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final java.util.function.Function<Request, Reply> answer;

    public RecordingReceiver(Reply... replies) {
        this(0, replies);
    }

    /** A receiver that answers each request as {@code answer} decides from it, e.g. by its body. */
    public RecordingReceiver(java.util.function.Function<Request, Reply> answer) {
        this(0, answer);
    }

    /** A receiver on {@code port}, e.g. one that was down and comes back where it was. */
    public RecordingReceiver(int port, Reply... replies) {
        this(port, request -> Reply.status(200));
        script.addAll(List.of(replies));
    }

    private RecordingReceiver(int port, java.util.function.Function<Request, Reply> answer) {
        this.answer = answer;
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    Map.copyOf(exchange.getRequestHeaders()), body);
            requests.add(request);
            Reply reply = script.poll();
            if (reply == null) {
                reply = answer.apply(request);
            }
            if (reply.gate() != null) {
                try {
                    while (released.getCount() > 0 && !reply.gate().await(20, TimeUnit.MILLISECONDS)) {
                        // waiting for the gate or for close()
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (reply.status() == 0 || released.getCount() == 0) {
                    return;
                }
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            byte[] answer = reply.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
        }
    }

    /** Adds replies to the end of the script. */
    public RecordingReceiver then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return new ArrayList<>(requests);
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
