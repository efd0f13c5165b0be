package dev.telemetry.console.api;

import io.javalin.http.sse.SseClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Live updates over Server-Sent Events ({@code GET /api/stream}). The read model calls {@link #changed(String)}
 * with a view's name whenever a record changed it; every {@code period} the feed sends one {@code change} event to
 * each client naming the views that changed since the last one ({@code {"views":["alerts"]}}), so a burst of
 * records is one event, and the page re-reads only those views through the API. A comment every
 * {@code keepAlive} keeps proxies from closing an idle stream. At most {@code maxClients} streams at once.
 */
public final class ChangeFeed implements AutoCloseable {

    public static final List<String> VIEWS = List.of("series", "alerts", "deliveries", "security", "ratelimit", "overview");

    private final Map<String, AtomicLong> versions = new ConcurrentHashMap<>();
    private final Map<String, Long> sent = new LinkedHashMap<>();
    private final List<SseClient> clients = new CopyOnWriteArrayList<>();
    private final int maxClients;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-change-feed");
        t.setDaemon(true);
        return t;
    });

    public ChangeFeed(long periodMillis, long keepAliveMillis, int maxClients) {
        this.maxClients = maxClients;
        VIEWS.forEach(v -> {
            versions.put(v, new AtomicLong());
            sent.put(v, 0L);
        });
        timer.scheduleWithFixedDelay(this::broadcast, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> send(c -> c.sendComment("keep-alive")), keepAliveMillis, keepAliveMillis,
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

    /** The SSE handler: keeps the stream open, says {@code hello} (the view names), then sends changes. */
    public void connect(SseClient client) {
        if (clients.size() >= maxClients) {
            client.ctx().status(503);
            client.sendEvent("error", "{\"error\":\"too_many_streams\",\"message\":\"at most " + maxClients + " live streams\"}");
            client.close();
            return;
        }
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        clients.add(client);
        client.sendEvent("hello", "{\"views\":" + json(VIEWS) + "}");
    }

    public int clients() {
        return clients.size();
    }

    private synchronized void broadcast() {
        List<String> changed = new ArrayList<>();
        versions.forEach((view, version) -> {
            long now = version.get();
            if (now != sent.get(view)) {
                sent.put(view, now);
                changed.add(view);
            }
        });
        if (!changed.isEmpty()) {
            changed.sort(null);
            String data = "{\"views\":" + json(changed) + "}";
            send(c -> c.sendEvent("change", data));
        }
    }

    private void send(Consumer<SseClient> action) {
        for (SseClient c : clients) {
            try {
                if (c.terminated()) {
                    clients.remove(c);
                } else {
                    action.accept(c);
                }
            } catch (RuntimeException e) {
                clients.remove(c);
            }
        }
    }

    /** View names are our own constants: no escaping needed beyond quoting. */
    private static String json(List<String> names) {
        return "[" + String.join(",", names.stream().map(n -> "\"" + n + "\"").toList()) + "]";
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (SseClient c : clients) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        clients.clear();
    }
}
