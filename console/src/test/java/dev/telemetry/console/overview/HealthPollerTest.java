package dev.telemetry.console.overview;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.telemetry.console.config.ConsoleConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Polling the services' health: status from the body, latency, a silent or absent service, the last error kept. */
class HealthPollerTest {

    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicReference<String> processorBody = new AtomicReference<>(
            "{\"status\":\"degraded\",\"version\":\"1.2\",\"checks\":{\"streams\":false,\"kafka\":true}}");
    private final AtomicInteger processorStatus = new AtomicInteger(503);

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/health", exchange -> respond(exchange, 200,
                "{\"status\":\"healthy\",\"version\":\"0.1\",\"checks\":{\"kafka\":true,\"producer\":true}}"));
        server.createContext("/health", exchange -> respond(exchange, processorStatus.get(), processorBody.get()));
        server.createContext("/slow/health", exchange -> {
            try {
                // Holds the answer past the poller's timeout (released when the test ends).
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "{}");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stopServer() {
        release.countDown();
        server.stop(0);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Test
    void shouldReportEachServicesStatusLatencyAndLastError() throws IOException {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        List<HealthPoller.Target> targets = HealthPoller.targets(new ConsoleConfig.Services(base, base + "/", base + "/slow",
                "http://127.0.0.1:" + closedPort));
        assertThat(targets).extracting(HealthPoller.Target::url).containsExactly(base + "/api/health", base + "/health",
                base + "/slow/health", "http://127.0.0.1:" + closedPort + "/health");
        AtomicInteger changes = new AtomicInteger();
        HealthPoller poller = new HealthPoller(targets, Duration.ofMillis(1500), Clock.systemUTC(), changes::incrementAndGet);

        assertThat(poller.services()).extracting(ServiceHealth::status).containsOnly(ServiceHealth.UNKNOWN);
        poller.pollAll();

        List<ServiceHealth> services = poller.services();
        ServiceHealth gateway = services.get(0);
        assertThat(gateway.name()).isEqualTo("gateway");
        assertThat(gateway.status()).isEqualTo("healthy");
        assertThat(gateway.httpStatus()).isEqualTo(200);
        assertThat(gateway.latencyMs()).isPositive();
        assertThat(gateway.checks()).containsEntry("producer", true);
        assertThat(gateway.lastError()).isNull();

        ServiceHealth processor = services.get(1);
        assertThat(processor.status()).isEqualTo("degraded");
        assertThat(processor.version()).isEqualTo("1.2");
        assertThat(processor.lastError()).isEqualTo("HTTP 503 degraded (failing: streams)");

        ServiceHealth sink = services.get(2);
        assertThat(sink.status()).isEqualTo(ServiceHealth.DOWN);
        assertThat(sink.lastError()).isEqualTo("no answer within 1500 ms");

        ServiceHealth prober = services.get(3);
        assertThat(prober.status()).isEqualTo(ServiceHealth.DOWN);
        assertThat(prober.lastError()).isEqualTo("connection refused");
        assertThat(changes.get()).isEqualTo(1);

        // The processor recovers: healthy, and its last error is still there (with its time) for whoever was paged.
        processorStatus.set(200);
        processorBody.set("{\"status\":\"healthy\",\"checks\":{\"streams\":true}}");
        release.countDown();
        poller.pollAll();
        processor = poller.services().get(1);
        assertThat(processor.status()).isEqualTo("healthy");
        assertThat(processor.lastError()).isEqualTo("HTTP 503 degraded (failing: streams)");
        assertThat(processor.lastErrorAt()).isNotNull();
        assertThat(poller.services().get(2).status()).isEqualTo("healthy");
        assertThat(changes.get()).isEqualTo(2);

        // Nothing changed: no change is announced.
        poller.pollAll();
        assertThat(changes.get()).isEqualTo(2);
        poller.close();
    }

    @Test
    void shouldShowBlankServicesAsNotConfiguredAndJudgeABodyWithoutStatusByItsHttpStatus() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        processorStatus.set(500);
        processorBody.set("<html>Internal error</html>");
        HealthPoller poller = new HealthPoller(HealthPoller.targets(new ConsoleConfig.Services("", base, " ", null)),
                Duration.ofSeconds(2), Clock.systemUTC(), () -> { });
        poller.pollAll();
        List<ServiceHealth> services = poller.services();
        assertThat(services).extracting(ServiceHealth::status)
                .containsExactly(ServiceHealth.NOT_CONFIGURED, "unhealthy", ServiceHealth.NOT_CONFIGURED, ServiceHealth.NOT_CONFIGURED);
        assertThat(services.get(1).lastError()).isEqualTo("HTTP 500 unhealthy");
        assertThat(services.get(0).url()).isEmpty();
        poller.close();
    }
}
