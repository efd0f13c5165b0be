package dev.telemetry.benchmarks.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients posting batches of custom metrics to the gateway's {@code POST /api/metrics}, the seed's {@code sendMetric}
 * bodies as a JSON array, each event with {@code timestamp} = now (so windows follow the clients' clock, as in the
 * fault scenarios' {@code LoadGenerator}). Unlike that generator it is built to cost the shared two cores little: the
 * bodies are pre-built (only the timestamp is filled in per request), answers are not kept, and ids are not collected.
 *
 * <p>Paced ({@code eventsPerSecond > 0}): each client sends one batch every {@code clients × batch / rate} seconds,
 * staggered, and catches up on at most one second of lateness (a slow answer delays the next batches; a gateway that
 * stays slow makes the load fall short of its target, which the benchmark counts against the step). Unpaced
 * ({@code 0}): each client sends its next batch as soon as the last is answered. Counts are kept by the time an answer
 * arrives, so a step reads them as differences of {@link #counts()}.
 */
final class PacedLoad implements AutoCloseable {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final long MAX_CATCH_UP_NANOS = 1_000_000_000L;
    private static final String TIMESTAMP = "\u0000";
    private static final int VARIANTS = 16;

    /** Counters at one moment. */
    record Counts(long requests, long accepted, long events, long unavailable, long other, long failed) {
        Counts minus(Counts o) {
            return new Counts(requests - o.requests, accepted - o.accepted, events - o.events,
                    unavailable - o.unavailable, other - o.other, failed - o.failed);
        }

        long non202() {
            return unavailable + other + failed;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final String key;
    private final String[][] bodies;
    private final List<Thread> clients = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong other = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean stopped;

    private PacedLoad(URI gateway, String key, String metric, int batch, int series) {
        this.url = gateway.resolve("/api/metrics");
        this.key = key;
        Random random = new Random(42);
        bodies = new String[VARIANTS][];
        for (int v = 0; v < VARIANTS; v++) {
            StringBuilder body = new StringBuilder(batch * 90).append('[');
            for (int i = 0; i < batch; i++) {
                if (i > 0) {
                    body.append(',');
                }
                // Latencies with a tail, one series per item (series s0..s<series-1>, in turn).
                int value = 20 + random.nextInt(300) + (random.nextInt(100) == 0 ? 2000 : 0);
                body.append("{\"name\":\"").append(metric).append("\",\"value\":").append(value)
                        .append(",\"timestamp\":").append(TIMESTAMP)
                        .append(",\"tags\":{\"series\":\"s").append((v * batch + i) % series).append("\"}}");
            }
            bodies[v] = body.append(']').toString().split(TIMESTAMP, -1);
        }
    }

    /**
     * Starts {@code clients} clients against {@code gateway}, {@code eventsPerSecond} in all (0: unpaced), batches of
     * {@code batch} events over {@code series} series of {@code metric}.
     */
    static PacedLoad start(URI gateway, String key, String metric, int batch, int series, int clients,
                           int eventsPerSecond) {
        PacedLoad load = new PacedLoad(gateway, key, metric, batch, series);
        long interval = eventsPerSecond == 0 ? 0 : 1_000_000_000L * batch * clients / eventsPerSecond;
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            long first = start + (interval * i) / clients;
            int variant = i;
            Thread client = new Thread(() -> load.run(first, interval, variant), "load-client-" + i);
            client.setDaemon(true);
            load.clients.add(client);
            client.start();
        }
        return load;
    }

    Counts counts() {
        return new Counts(requests.get(), accepted.get(), events.get(), unavailable.get(), other.get(), failed.get());
    }

    private void run(long firstAt, long interval, int variant) {
        long nextAt = firstAt;
        int n = variant;
        while (!stopped) {
            if (interval > 0) {
                long now = System.nanoTime();
                nextAt = Math.max(nextAt, now - MAX_CATCH_UP_NANOS);
                if (!sleepUntil(nextAt)) {
                    return;
                }
                nextAt += interval;
            }
            if (stopped) {
                return;
            }
            send(bodies[n++ % VARIANTS]);
        }
    }

    private void send(String[] parts) {
        String now = Long.toString(System.currentTimeMillis());
        String body = String.join(now, parts);
        HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("X-Telemetry-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            switch (response.statusCode()) {
                case 202 -> {
                    events.addAndGet(acceptedCount(response.body()));
                    accepted.incrementAndGet();
                }
                case 503 -> unavailable.incrementAndGet();
                default -> other.incrementAndGet();
            }
        } catch (IOException e) {
            failed.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
            return;
        }
        requests.incrementAndGet();
    }

    /** The {@code accepted} of a 202 body, {@code {"accepted":N,...}}, without parsing the rest (the ids). */
    static long acceptedCount(String body) {
        int at = body.indexOf("\"accepted\":");
        if (at < 0) {
            return 0;
        }
        int i = at + "\"accepted\":".length();
        while (i < body.length() && body.charAt(i) == ' ') {
            i++;
        }
        long n = 0;
        while (i < body.length() && Character.isDigit(body.charAt(i))) {
            n = n * 10 + (body.charAt(i++) - '0');
        }
        return n;
    }

    private boolean sleepUntil(long nanoTime) {
        long remaining = nanoTime - System.nanoTime();
        if (remaining <= 0) {
            return true;
        }
        try {
            Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops sending; requests in flight end within their timeout. */
    @Override
    public void close() {
        stopped = true;
        try {
            for (Thread client : clients) {
                client.join(REQUEST_TIMEOUT.toMillis() + 5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
