package dev.telemetry.prober.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.prober.testing.LocalServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP checks against a real local server: status, body, latency budget, timeout, refused connection. */
class HttpCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<String> userAgent = new AtomicReference<>();
    /** The checks' clock: time passes only when a route says so, so latency assertions need no real waiting. */
    private final AtomicLong nanos = new AtomicLong();
    private LocalServer server;

    @BeforeEach
    void startServer() {
        server = LocalServer.start()
                .route("/ok", exchange -> {
                    userAgent.set(exchange.getRequestHeaders().getFirst("User-Agent"));
                    LocalServer.respond(exchange, 200, "text/html", "<h1>Welcome back</h1>");
                })
                .route("/broken", exchange -> LocalServer.respond(exchange, 500, "text/plain", "boom"))
                .route("/created", exchange -> LocalServer.respond(exchange, 201, "text/plain", ""))
                .route("/slow", exchange -> {
                    // A slow backend: 400 ms pass on the check's clock while it answers, far over the budget.
                    nanos.addAndGet(Duration.ofMillis(400).toNanos());
                    LocalServer.respond(exchange, 200, "text/plain", "late");
                })
                .route("/hang", exchange -> {
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    LocalServer.respond(exchange, 200, "text/plain", "too late");
                });
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.close();
    }

    @Test
    void shouldPassWhenStatusAndBodyAreAsExpected() {
        Outcome outcome = check("/ok", 200, "Welcome", null, TIMEOUT).run();

        assertThat(outcome).isEqualTo(Outcome.passed());
        assertThat(userAgent.get()).isEqualTo(HttpCheck.USER_AGENT);
    }

    @Test
    void shouldPassWhenTheExpectedStatusIsNot200() {
        assertThat(check("/created", 201, null, null, TIMEOUT).run()).isEqualTo(Outcome.passed());
    }

    @Test
    void shouldFailNamingBothStatusesWhenTheStatusDiffers() {
        Outcome outcome = check("/broken", 200, null, null, TIMEOUT).run();

        assertThat(outcome).isEqualTo(Outcome.failed("expected status 200, got 500 from GET " + server.url("/broken")));
    }

    @Test
    void shouldFailWhenTheBodyLacksTheExpectedText() {
        Outcome outcome = check("/ok", 200, "Dashboard", null, TIMEOUT).run();

        assertThat(outcome).isEqualTo(Outcome.failed("body of GET " + server.url("/ok") + " does not contain 'Dashboard'"));
    }

    @Test
    void shouldFailWhenTheResponseIsOverTheLatencyBudget() {
        Outcome outcome = check("/slow", 200, "late", Duration.ofMillis(100), TIMEOUT).run();

        assertThat(outcome.success()).isFalse();
        assertThat(outcome.error()).matches("GET " + server.url("/slow") + " took \\d+ ms, over its latency budget of 100ms");
    }

    @Test
    void shouldPassWhenTheResponseIsWithinTheLatencyBudget() {
        assertThat(check("/ok", 200, null, Duration.ofSeconds(5), TIMEOUT).run()).isEqualTo(Outcome.passed());
    }

    @Test
    void shouldFailAtTheTimeoutWhenTheServerDoesNotAnswer() {
        long started = System.nanoTime();

        Outcome outcome = check("/hang", 200, null, null, Duration.ofMillis(300)).run();

        assertThat(outcome).isEqualTo(Outcome.failed("GET " + server.url("/hang") + " timed out after 300ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void shouldFailNamingHostAndPortWhenTheConnectionIsRefused() {
        int port = LocalServer.closedPort();
        String url = "http://127.0.0.1:" + port + "/health";

        Outcome outcome = new HttpCheck("down", URI.create(url), "GET", 200, null, null, TIMEOUT).run();

        assertThat(outcome).isEqualTo(Outcome.failed("connection refused by 127.0.0.1:" + port + " (GET " + url + ")"));
    }

    private HttpCheck check(String path, int status, String bodyContains, Duration budget, Duration timeout) {
        return new HttpCheck("page", URI.create(server.url(path)), "GET", status, bodyContains, budget, timeout, nanos::get);
    }
}
