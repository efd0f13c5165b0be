package dev.telemetry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients posting custom metrics to the gateway's {@code POST /api/metrics} as browsers do, each on its own thread
 * and connection, until the load's duration has passed. A 503 or a failed connection is followed by ~200 ms of
 * back-off and then a new batch with fresh timestamps (a browser does not resend a minute-old measurement).
 */
public final class LoadGenerator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration BACK_OFF = Duration.ofMillis(200);
    // The gateway answers within its delivery timeout (1.5 s); much longer means it hangs, which is a failure too.
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final LoadSettings settings;
    private final URI url;
    private final String key;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong otherStatus = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final UuidSet ids = new UuidSet();
    private final List<Thread> clients = new ArrayList<>();
    private long startedAt;
    private volatile boolean stopped;

    private LoadGenerator(LoadSettings settings, URI gateway, String key) {
        this.settings = settings;
        this.url = gateway.resolve("/api/metrics");
        this.key = key;
    }

    /** Starts the clients against the gateway at {@code gateway} (e.g. {@code http://127.0.0.1:8080}). */
    public static LoadGenerator start(LoadSettings settings, URI gateway, String key) {
        LoadGenerator load = new LoadGenerator(settings, gateway, key);
        load.startedAt = System.nanoTime();
        long deadline = load.startedAt + settings.duration().toNanos();
        for (int i = 0; i < settings.clients(); i++) {
            Thread client = new Thread(() -> load.run(deadline), "load-client-" + i);
            client.setDaemon(true);
            load.clients.add(client);
            client.start();
        }
        return load;
    }

    /** Events acknowledged so far: scenarios take it at each fault to tell what was accepted when. */
    public long acknowledgedSoFar() {
        return acknowledged.get();
    }

    public long unavailableSoFar() {
        return unavailable.get();
    }

    /** Waits for the load to end by itself (its duration) and returns what the clients saw. */
    public LoadResult join() throws InterruptedException {
        for (Thread client : clients) {
            // Each client stops at the deadline; a request in flight then ends within its timeout.
            client.join(settings.duration().plus(REQUEST_TIMEOUT).plusSeconds(30).toMillis());
            if (client.isAlive()) {
                throw new IllegalStateException(client.getName() + " did not stop");
            }
        }
        return new LoadResult(accepted.get(), acknowledged.get(), ids, unavailable.get(), otherStatus.get(),
                failed.get(), Duration.ofNanos(System.nanoTime() - startedAt));
    }

    /** Ends the load early (a scenario that failed half-way). */
    public void stop() {
        stopped = true;
    }

    private void run(long deadline) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        // Each client's share of the rate: one request every `interval`, never catching up on time lost to faults.
        long interval = settings.eventsPerSecond() == 0 ? 0
                : 1_000_000_000L * settings.batchSize() * settings.clients() / settings.eventsPerSecond();
        long nextAt = System.nanoTime();
        while (!stopped && System.nanoTime() < deadline) {
            if (interval > 0) {
                nextAt = Math.max(nextAt + interval, System.nanoTime());
                if (!pauseUntil(Math.min(nextAt, deadline))) {
                    return;
                }
            }
            boolean backOff;
            try {
                HttpResponse<String> response = http.send(request(), HttpResponse.BodyHandlers.ofString());
                backOff = record(response);
            } catch (IOException e) {
                failed.incrementAndGet();
                backOff = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (backOff && !pauseUntil(System.nanoTime() + BACK_OFF.toNanos())) {
                return;
            }
        }
    }

    /** Counts one answer; true when the client should back off before its next batch. */
    private boolean record(HttpResponse<String> response) throws IOException {
        switch (response.statusCode()) {
            case 202 -> {
                JsonNode body = JSON.readTree(response.body());
                List<UUID> eventIds = new ArrayList<>(settings.batchSize());
                body.path("eventIds").forEach(id -> eventIds.add(UUID.fromString(id.asText())));
                ids.addAll(eventIds);
                accepted.incrementAndGet();
                acknowledged.addAndGet(body.path("accepted").asLong());
                return false;
            }
            case 503 -> unavailable.incrementAndGet();
            default -> otherStatus.incrementAndGet();
        }
        return true;
    }

    private HttpRequest request() {
        return HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("X-Telemetry-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(batch()))
                .build();
    }

    /** A JSON array of fresh events: {name, value, timestamp, tags: {series}}, as sendMetric sends them. */
    private String batch() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long now = System.currentTimeMillis();
        StringBuilder body = new StringBuilder(settings.batchSize() * 80).append('[');
        for (int i = 0; i < settings.batchSize(); i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"name\":\"").append(settings.metric()).append("\",\"value\":").append(random.nextInt(1, 1000));
            if (settings.clientTimestamps()) {
                body.append(",\"timestamp\":").append(now);
            }
            body.append(",\"tags\":{\"series\":\"s").append(random.nextInt(settings.series())).append("\"}}");
        }
        return body.append(']').toString();
    }

    /** The clients' pacing and back-off: shaping the load, not synchronisation. False when interrupted. */
    private boolean pauseUntil(long nanoTime) {
        try {
            long remaining = nanoTime - System.nanoTime();
            if (remaining > 0) {
                Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
