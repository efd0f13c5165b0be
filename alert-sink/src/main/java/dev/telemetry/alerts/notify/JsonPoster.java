package dev.telemetry.alerts.notify;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs JSON to one receiver URL and classifies the outcome with {@link HttpClassifier}: the HTTP
 * half shared by every HTTP receiver (webhook now; Slack, PagerDuty and Alertmanager later).
 * Failure reasons are scrubbed of the URL, which may hold a token.
 */
public final class JsonPoster {

    /** Enough of an error body to diagnose (Slack says {@code invalid_token}); the rest is discarded unread. */
    private static final int BODY_LIMIT = 1024;

    private final HttpClient client;
    private final URI url;
    private final Duration timeout;
    private final Clock clock;

    public JsonPoster(URI url, Duration timeout, Clock clock) {
        this.url = url;
        this.timeout = timeout;
        this.clock = clock;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                // HTTP/1.1: some receivers reject the h2c upgrade headers the default would send.
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Sends {@code body} with {@code headers} and waits at most the timeout for the whole exchange.
     * Interruption cancels the request and returns a retryable result with the flag restored.
     */
    public DeliveryResult post(byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "telemetry-alert-sink")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::setHeader);
        CompletableFuture<HttpResponse<String>> exchange = client.sendAsync(request.build(), info -> limitedBody());
        try {
            // The request timeout covers only the response headers; this bounds a body that trickles.
            HttpResponse<String> response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return scrub(HttpClassifier.classify(response.statusCode(), response.headers().firstValue("Retry-After"),
                    response.body(), clock.instant()));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return new DeliveryResult.Retryable("timed out after " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return HttpClassifier.classify(e);
        } catch (ExecutionException e) {
            return scrub(HttpClassifier.classify(e.getCause() == null ? e : e.getCause()));
        } catch (CancellationException e) {
            return new DeliveryResult.Retryable("cancelled: the sink is stopping");
        }
    }

    private DeliveryResult scrub(DeliveryResult result) {
        if (result instanceof DeliveryResult.Retryable r) {
            return new DeliveryResult.Retryable(Redact.scrub(r.reason(), url), r.retryAfter());
        }
        if (result instanceof DeliveryResult.Permanent p) {
            return new DeliveryResult.Permanent(Redact.scrub(p.reason(), url));
        }
        return result;
    }

    /** Keeps the first {@link #BODY_LIMIT} bytes of a response body and drains the rest. */
    private static HttpResponse.BodySubscriber<String> limitedBody() {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        Flow.Subscriber<List<ByteBuffer>> subscriber = new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> buffers) {
                for (ByteBuffer buffer : buffers) {
                    int room = BODY_LIMIT - kept.size();
                    if (room <= 0) {
                        return;
                    }
                    byte[] bytes = new byte[Math.min(room, buffer.remaining())];
                    buffer.get(bytes);
                    kept.write(bytes, 0, bytes.length);
                }
            }

            @Override
            public void onError(Throwable throwable) {
                // The future of the exchange carries the error.
            }

            @Override
            public void onComplete() {
            }
        };
        return HttpResponse.BodySubscribers.fromSubscriber(subscriber, s -> kept.toString(StandardCharsets.UTF_8));
    }
}
