package dev.telemetry.prober.check;

import dev.telemetry.service.config.Durations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * An HTTP check: one request; success when the status is the expected one, the body contains the
 * expected text (when set) and the response came within the latency budget (when set).
 */
public final class HttpCheck implements Check {

    /** Sent with every probe so the probed service can tell synthetic traffic from users'. */
    static final String USER_AGENT = "telemetry-synthetic-prober";
    /** Longer bodies are cut in error messages: the message goes into an event and an alert. */
    private static final int QUOTE_LENGTH = 80;

    private final String name;
    private final URI url;
    private final String method;
    private final int expectedStatus;
    private final String bodyContains;
    private final Duration latencyBudget;
    private final Duration timeout;
    private final HttpClient client;
    private final LongSupplier nanoTime;

    /**
     * @param bodyContains  null: any body
     * @param latencyBudget null: no budget
     */
    public HttpCheck(String name, URI url, String method, int expectedStatus, String bodyContains,
                     Duration latencyBudget, Duration timeout) {
        this(name, url, method, expectedStatus, bodyContains, latencyBudget, timeout, System::nanoTime);
    }

    /** @param nanoTime what latency is measured with; tests pass a clock a slow backend can advance */
    HttpCheck(String name, URI url, String method, int expectedStatus, String bodyContains,
              Duration latencyBudget, Duration timeout, LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.name = Objects.requireNonNull(name);
        this.url = Objects.requireNonNull(url);
        this.method = Objects.requireNonNull(method);
        this.expectedStatus = expectedStatus;
        this.bodyContains = bodyContains;
        this.latencyBudget = latencyBudget;
        this.timeout = Objects.requireNonNull(timeout);
        // Redirects are followed as a browser would: the status that counts is the final page's.
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Outcome run() {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("User-Agent", USER_AGENT)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        long started = nanoTime.getAsLong();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException e) {
            return Outcome.failed("connect to " + hostAndPort() + " timed out after " + Durations.format(timeout));
        } catch (HttpTimeoutException e) {
            return Outcome.failed(method + " " + url + " timed out after " + Durations.format(timeout));
        } catch (ConnectException e) {
            return Outcome.failed("connection refused by " + hostAndPort() + " (" + method + " " + url + ")");
        } catch (UnknownHostException e) {
            return Outcome.failed("unknown host " + url.getHost());
        } catch (IOException e) {
            return Outcome.failed(method + " " + url + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed(method + " " + url + " interrupted");
        }
        long latencyMs = (nanoTime.getAsLong() - started) / 1_000_000;
        if (response.statusCode() != expectedStatus) {
            return Outcome.failed("expected status " + expectedStatus + ", got " + response.statusCode() + " from "
                    + method + " " + url);
        }
        if (bodyContains != null && !response.body().contains(bodyContains)) {
            return Outcome.failed("body of " + method + " " + url + " does not contain '" + quote(bodyContains) + "'");
        }
        if (latencyBudget != null && latencyMs > latencyBudget.toMillis()) {
            return Outcome.failed(method + " " + url + " took " + latencyMs + " ms, over its latency budget of "
                    + Durations.format(latencyBudget));
        }
        return Outcome.passed();
    }

    private String hostAndPort() {
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return url.getHost() + ":" + port;
    }

    /** The JDK client often wraps the cause, whose message is the useful one. */
    private static String describe(IOException e) {
        Throwable t = e;
        while (t.getMessage() == null && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static String quote(String text) {
        return text.length() <= QUOTE_LENGTH ? text : text.substring(0, QUOTE_LENGTH) + "…";
    }
}
