package dev.telemetry.console.api;

import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Live updates over Server-Sent Events ({@code GET /api/stream}). The read model calls {@link #changed(String)}
 * with a view's name whenever a record changed it; every {@code period} the feed sends one {@code change} event to
 * each client naming the views that changed since the last one ({@code {"views":["alerts"]}}), so a burst of
 * records is one event, and the page re-reads only those views through the API. A comment every
 * {@code keepAlive} keeps proxies from closing an idle stream (and finds streams whose reader went away). At most
 * {@code maxClients} streams at once: one more is answered {@code 503} JSON before any stream starts.
 *
 * <p>Every {@code change} event has an {@code id:} ({@code <feed>-<n>}: this feed's random token, then a sequence
 * number). A browser that reconnects sends the last one as {@code Last-Event-ID}; when it came from this feed the
 * {@code hello} says {@code "resumed":true} and, if views changed meanwhile, a {@code change} naming them follows at
 * once, so nothing is missed. An id from another feed (a restart, another replica) or none: {@code "resumed":false}
 * — the page re-reads everything, as on a first connect. {@code hello} itself carries no id.
 */
public final class ChangeFeed implements AutoCloseable {

    public static final List<String> VIEWS = List.of("series", "alerts", "deliveries", "security", "ratelimit", "errors",
            "synthetic", "silences", "overview", "slo", "vitals");

    /** One open stream, as the feed needs it: what {@link SseClient} offers, so tests can stand in for it. */
    public interface Stream {
        void event(String name, String data, String id);

        void comment(String text);

        boolean terminated();

        void close();
    }

    private final String token = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    /** Under this: the version last announced per view, and the id of the last event naming each view. */
    private final Map<String, Long> sent = new LinkedHashMap<>();
    private final Map<String, Long> lastChangeId = new LinkedHashMap<>();
    private long sequence;
    private final List<Registration> clients = new CopyOnWriteArrayList<>();
    private final Semaphore slots;
    private final int maxClients;
    private final SseHandler sse;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-change-feed");
        t.setDaemon(true);
        return t;
    });

    public ChangeFeed(long periodMillis, long keepAliveMillis, int maxClients) {
        this.maxClients = maxClients;
        this.slots = new Semaphore(maxClients);
        VIEWS.forEach(v -> {
            versions.put(v, new AtomicLong());
            sent.put(v, 0L);
            lastChangeId.put(v, 0L);
        });
        this.sse = new SseHandler(this::accepted);
        timer.scheduleWithFixedDelay(this::broadcast, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> send(c -> c.comment("keep-alive")), keepAliveMillis, keepAliveMillis,
                TimeUnit.MILLISECONDS);
    }

    /** Notes that {@code view} (one of {@link #VIEWS}) changed. */
    public void changed(String view) {
        AtomicLong v = versions.get(view);
        if (v == null) {
            throw new IllegalArgumentException("unknown view " + view);
        }
        v.incrementAndGet();
    }

    /**
     * The route: {@code 406} JSON unless the client accepts {@code text/event-stream} (an {@code EventSource}
     * does), {@code 503} JSON when {@code maxClients} streams are open, else the stream.
     */
    public void handle(Context ctx) throws Exception {
        String accept = ctx.header("Accept");
        if (accept == null || !accept.contains("text/event-stream")) {
            ctx.status(406).contentType("application/json").result("{\"error\":\"not_acceptable\",\"parameter\":\"Accept\","
                    + "\"message\":\"/api/stream is a Server-Sent Events stream: send Accept: text/event-stream\"}");
            return;
        }
        if (!slots.tryAcquire()) {
            ctx.status(503).header("Retry-After", "30").contentType("application/json")
                    .result("{\"error\":\"too_many_streams\",\"message\":\"at most " + maxClients + " live streams at once\"}");
            return;
        }
        try {
            sse.handle(ctx);
        } catch (Exception | Error e) {
            slots.release();
            throw e;
        }
    }

    /** Javalin's stream, its slot already taken by {@link #handle}. */
    private void accepted(SseClient client) {
        SseStream stream = new SseStream(client);
        Registration registration = new Registration(stream);
        client.onClose(() -> remove(registration));
        client.keepAlive();
        join(registration, client.ctx().header("Last-Event-ID"));
    }

    /**
     * Opens {@code stream} as {@link #handle} does (for tests and other transports): false when {@code maxClients}
     * streams are open, else it gets its {@code hello}.
     */
    public boolean open(Stream stream, String lastEventId) {
        if (!slots.tryAcquire()) {
            return false;
        }
        join(new Registration(stream), lastEventId);
        return true;
    }

    /** Under the feed's lock, so no change event can slip in between the hello and the catch-up. */
    private synchronized void join(Registration registration, String lastEventId) {
        clients.add(registration);
        List<String> missed = missedSince(lastEventId);
        try {
            registration.stream.event("hello", "{\"views\":" + json(VIEWS) + ",\"resumed\":" + (missed != null) + "}", null);
            if (missed != null && !missed.isEmpty()) {
                registration.stream.event("change", "{\"views\":" + json(missed) + "}", id(sequence));
            }
        } catch (RuntimeException e) {
            remove(registration);
        }
    }

    /** The views named by change events after {@code lastEventId}, or null when that id is not this feed's. */
    private List<String> missedSince(String lastEventId) {
        if (lastEventId == null || !lastEventId.startsWith(token + "-")) {
            return null;
        }
        long seen;
        try {
            seen = Long.parseLong(lastEventId.substring(token.length() + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (seen < 0 || seen > sequence) {
            return null;
        }
        List<String> missed = new ArrayList<>();
        lastChangeId.forEach((view, id) -> {
            if (id > seen) {
                missed.add(view);
            }
        });
        missed.sort(null);
        return missed;
    }

    public int clients() {
        return clients.size();
    }

    /** Sends one {@code change} naming every view changed since the last one; package-private for tests. */
    synchronized void broadcast() {
        List<String> changed = new ArrayList<>();
        versions.forEach((view, version) -> {
            long now = version.get();
            if (now != sent.get(view)) {
                sent.put(view, now);
                changed.add(view);
            }
        });
        if (!changed.isEmpty()) {
            long id = ++sequence;
            changed.forEach(view -> lastChangeId.put(view, id));
            changed.sort(null);
            String data = "{\"views\":" + json(changed) + "}";
            send(c -> c.event("change", data, id(id)));
        }
    }

    private String id(long n) {
        return token + "-" + n;
    }

    private void send(Consumer<Stream> action) {
        for (Registration r : clients) {
            try {
                if (r.stream.terminated()) {
                    remove(r);
                } else {
                    action.accept(r.stream);
                }
            } catch (RuntimeException e) {
                remove(r);
            }
        }
    }

    /** Drops a stream once, giving its slot back (called on close by Javalin, on a failed write, on termination). */
    private void remove(Registration r) {
        clients.remove(r);
        if (r.released.compareAndSet(false, true)) {
            slots.release();
        }
    }

    /** View names are our own constants: no escaping needed beyond quoting. */
    private static String json(List<String> names) {
        return "[" + String.join(",", names.stream().map(n -> "\"" + n + "\"").toList()) + "]";
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (Registration r : clients) {
            try {
                r.stream.close();
            } catch (RuntimeException ignored) {
                // already gone
            }
            remove(r);
        }
    }

    private static final class Registration {
        final Stream stream;
        final AtomicBoolean released = new AtomicBoolean();

        Registration(Stream stream) {
            this.stream = stream;
        }
    }

    private record SseStream(SseClient client) implements Stream {
        @Override
        public void event(String name, String data, String id) {
            client.sendEvent(name, data, id);
        }

        @Override
        public void comment(String text) {
            client.sendComment(text);
        }

        @Override
        public boolean terminated() {
            return client.terminated();
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
