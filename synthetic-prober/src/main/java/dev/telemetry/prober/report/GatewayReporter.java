package dev.telemetry.prober.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.telemetry.prober.check.CheckResult;
import dev.telemetry.prober.check.ResultSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.telemetry.service.config.Durations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each result to the gateway ({@code POST {gateway}/api/synthetic} with {@code X-Telemetry-Key}), one
 * at a time in the order the runs finished, off the checks' threads. A post that fails (gateway down, not
 * 202, timeout) is logged and counted, never retried and never fatal: the next result is the next
 * data point. {@code synthetic_reports_total{outcome=sent|failed|dropped}}; dropped means the queue of
 * posts waiting was full.
 */
public final class GatewayReporter implements ResultSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayReporter.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** Results waiting while the gateway is slow; beyond it they are dropped (and counted). */
    static final int QUEUE_CAPACITY = 1000;

    /** The latest post, for {@code /health}: whether it was accepted, when, and why not. */
    public record LastPost(boolean accepted, Instant at, String error) {
    }

    private final URI endpoint;
    private final String key;
    private final Duration timeout;
    private final HttpClient client;
    private final ThreadPoolExecutor poster;
    private final Counter sent;
    private final Counter failed;
    private final Counter dropped;
    private final AtomicReference<LastPost> lastPost = new AtomicReference<>();

    public GatewayReporter(URI endpoint, String key, Duration timeout, MeterRegistry registry) {
        this.endpoint = endpoint;
        this.key = key;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.poster = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE_CAPACITY), r -> {
            Thread t = new Thread(r, "prober-reporter");
            t.setDaemon(true);
            return t;
        });
        this.sent = counter(registry, "sent");
        this.failed = counter(registry, "failed");
        this.dropped = counter(registry, "dropped");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("synthetic.reports").tag("outcome", outcome)
                .description("Results posted to the gateway, by outcome").register(registry);
    }

    @Override
    public void accept(CheckResult result) {
        try {
            poster.execute(() -> post(result));
        } catch (RejectedExecutionException e) {
            dropped.increment();
            LOG.warn("result of check '{}' dropped: {} results are already waiting for the gateway{}", result.check(),
                    QUEUE_CAPACITY, poster.isShutdown() ? " (stopping)" : "");
        }
    }

    /** The latest post's outcome, or null before the first. */
    public LastPost lastPost() {
        return lastPost.get();
    }

    private void post(CheckResult result) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(SyntheticPayload.of(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result of " + result.check() + " as JSON", e);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-Telemetry-Key", key)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        String error;
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                sent.increment();
                lastPost.set(new LastPost(true, Instant.now(), null));
                return;
            }
            error = "gateway answered " + response.statusCode() + ": " + abbreviate(response.body());
        } catch (ConnectException e) {
            error = "gateway unreachable at " + endpoint + ": connection refused";
        } catch (HttpTimeoutException e) {
            error = "gateway at " + endpoint + " did not answer within " + Durations.format(timeout);
        } catch (IOException e) {
            error = "gateway unreachable at " + endpoint + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted while posting (stopping)";
        }
        failed.increment();
        lastPost.set(new LastPost(false, Instant.now(), error));
        LOG.warn("result of check '{}' not recorded: {}", result.check(), error);
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return flat.length() <= 200 ? flat : flat.substring(0, 200) + "…";
    }

    /** Posts what is queued, for at most the post timeout plus a second, then stops. */
    @Override
    public void close() {
        poster.shutdown();
        try {
            if (!poster.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                LOG.warn("{} results were not posted before the stop", poster.getQueue().size());
                poster.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            poster.shutdownNow();
        }
    }
}
