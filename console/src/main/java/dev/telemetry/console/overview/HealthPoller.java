package dev.telemetry.console.overview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.codec.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls each service's health URL in the background (never on a request's thread: the overview only reads the
 * latest results), all services at once, each request given at most {@code timeout}. Calls {@code onChange} when a
 * service's status or last error changed, so the page is told without being woken by every poll.
 */
public final class HealthPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HealthPoller.class);
    /** A health body is a few hundred bytes; a URL pointing somewhere else must not fill the heap. */
    private static final int MAX_BODY = 64 * 1024;

    /** A service to poll: its name and full health URL (empty: not configured). */
    public record Target(String name, String url) {
        public Target {
            Objects.requireNonNull(name, "name");
            url = url == null ? "" : url;
        }
    }

    private final List<Target> targets;
    private final Duration timeout;
    private final Clock clock;
    private final Runnable onChange;
    private final JsonCodec codec = JsonCodec.standard();
    private final HttpClient http;
    private final Map<String, ServiceHealth> latest = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-health-poller");
        t.setDaemon(true);
        return t;
    });

    public HealthPoller(List<Target> targets, Duration timeout, Clock clock, Runnable onChange) {
        this.targets = List.copyOf(targets);
        this.timeout = timeout;
        this.clock = clock;
        this.onChange = onChange;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        for (Target t : this.targets) {
            latest.put(t.name(), t.url().isBlank() ? ServiceHealth.notConfigured(t.name()) : ServiceHealth.unknown(t.name(), t.url()));
        }
    }

    /**
     * The services of the configuration, in the overview's order, with their health URLs: the gateway answers on
     * {@code /api/health} (its API's prefix), the others on {@code /health}. A blank base URL: not configured.
     */
    public static List<Target> targets(ConsoleConfig.Services services) {
        return List.of(
                new Target("gateway", join(services.gateway(), "/api/health")),
                new Target("processor", join(services.processor(), "/health")),
                new Target("sink", join(services.sink(), "/health")),
                new Target("prober", join(services.prober(), "/health")));
    }

    private static String join(String base, String path) {
        if (base == null || base.isBlank()) {
            return "";
        }
        return base.strip().replaceAll("/+$", "") + path;
    }

    public HealthPoller start(Duration interval) {
        timer.scheduleWithFixedDelay(this::safePoll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The latest result per service, in the targets' order. */
    public List<ServiceHealth> services() {
        List<ServiceHealth> out = new ArrayList<>(targets.size());
        for (Target t : targets) {
            out.add(latest.get(t.name()));
        }
        return out;
    }

    private void safePoll() {
        try {
            pollAll();
        } catch (RuntimeException e) {
            LOG.warn("health poll failed", e);
        }
    }

    /** Polls every configured service once, concurrently, and waits for all (each bounded by the timeout). */
    public void pollAll() {
        Map<Target, CompletableFuture<ServiceHealth>> polls = new LinkedHashMap<>();
        for (Target t : targets) {
            if (!t.url().isBlank()) {
                polls.put(t, poll(t));
            }
        }
        boolean changed = false;
        for (Map.Entry<Target, CompletableFuture<ServiceHealth>> e : polls.entrySet()) {
            ServiceHealth now = e.getValue().join();
            ServiceHealth before = latest.put(e.getKey().name(), now);
            if (before == null || !before.status().equals(now.status()) || !Objects.equals(before.lastError(), now.lastError())) {
                changed = true;
            }
        }
        if (changed) {
            onChange.run();
        }
    }

    private CompletableFuture<ServiceHealth> poll(Target target) {
        ServiceHealth before = latest.get(target.name());
        Instant at = clock.instant();
        long t0 = System.nanoTime();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(target.url())).timeout(timeout)
                    .header("Accept", "application/json").GET().build();
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(failed(target, before, at, null, null, "bad URL: " + e.getMessage()));
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApply(response -> answered(target, before, at, t0, response))
                // A stalled body read must not hold the poll either.
                .orTimeout(timeout.toMillis() * 2, TimeUnit.MILLISECONDS)
                .exceptionally(error -> failed(target, before, at, ms(t0), null, describe(error)));
    }

    private ServiceHealth answered(Target target, ServiceHealth before, Instant at, long t0,
                                   HttpResponse<InputStream> response) {
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readNBytes(MAX_BODY);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double latency = ms(t0);
        int code = response.statusCode();
        String status = null;
        String version = null;
        Map<String, Boolean> checks = new LinkedHashMap<>();
        try {
            JsonNode json = codec.readTree(body);
            if (json.path("status").isTextual()) {
                status = json.get("status").asText();
            }
            if (json.path("version").isTextual()) {
                version = json.get("version").asText();
            }
            json.path("checks").fields().forEachRemaining(c -> {
                if (c.getValue().isBoolean() && checks.size() < 50) {
                    checks.put(c.getKey(), c.getValue().asBoolean());
                }
            });
        } catch (dev.telemetry.events.codec.InvalidJsonException | RuntimeException e) {
            // Not the seed's HealthCheckResult: the HTTP status alone tells.
        }
        if (status == null || !(status.equals("healthy") || status.equals("degraded") || status.equals("unhealthy"))) {
            status = code >= 200 && code < 300 ? "healthy" : "unhealthy";
        }
        String lastError = before.lastError();
        Instant lastErrorAt = before.lastErrorAt();
        if (!status.equals("healthy")) {
            List<String> failing = checks.entrySet().stream().filter(c -> !c.getValue()).map(Map.Entry::getKey).toList();
            lastError = "HTTP " + code + " " + status + (failing.isEmpty() ? "" : " (failing: " + String.join(", ", failing) + ")");
            lastErrorAt = at;
        }
        return new ServiceHealth(target.name(), target.url(), status, code, latency, at, checks, version, lastError, lastErrorAt);
    }

    private static ServiceHealth failed(Target target, ServiceHealth before, Instant at, Double latency, Integer code,
                                        String error) {
        return new ServiceHealth(target.name(), target.url(), ServiceHealth.DOWN, code, latency, at, Map.of(),
                before.version(), error, at);
    }

    private String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException || cause instanceof java.util.concurrent.TimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms";
        }
        if (cause instanceof java.net.ConnectException) {
            return "connection refused";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static double ms(long t0) {
        return Math.round((System.nanoTime() - t0) / 1e5) / 10.0;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
