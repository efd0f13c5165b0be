package dev.telemetry.prober;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.prober.config.ProberConfig;
import dev.telemetry.prober.testing.LocalServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prober as it runs: its configuration file, checks of a local page on a short interval, results
 * posted to a stand-in gateway (a real local HTTP server), and its {@code /health} and {@code /metrics}.
 */
class ProberTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final AtomicInteger gatewayStatus = new AtomicInteger(202);
    private final AtomicInteger pageStatus = new AtomicInteger(200);
    private LocalServer gateway;
    private LocalServer site;
    private Prober prober;

    @AfterEach
    void stop() {
        if (prober != null) prober.close();
        if (gateway != null) gateway.close();
        if (site != null) site.close();
    }

    @Test
    void shouldPostEachResultWithConsecutiveFailuresAndSurviveAGatewayThatRefuses(@TempDir Path dir) throws Exception {
        // Given: a page, a gateway that records what it is sent, and a prober checking the page every 200 ms.
        site = LocalServer.start().route("/", exchange -> LocalServer.respond(exchange, pageStatus.get(), "text/plain", "ok"));
        gateway = LocalServer.start().route("/api/synthetic", exchange -> {
            keys.add(exchange.getRequestHeaders().getFirst("X-Telemetry-Key"));
            posted.add(JSON.readTree(exchange.getRequestBody()));
            LocalServer.respond(exchange, gatewayStatus.get(), "application/json", "{\"accepted\":1}");
        });
        Path yaml = Files.writeString(dir.resolve("prober.yaml"), """
                gateway: {url: "%s", key: probe-key, timeout: 2s}
                http: {host: 127.0.0.1, port: 0}
                checks:
                  - {name: page, url: "%s", interval: 200ms, timeout: 2s}
                """.formatted(gateway.url(""), site.url("/")));

        // When
        prober = Prober.start(ProberConfig.load(new String[] {"--config", yaml.toString()}));

        // Then: a result in the seed's shape, with the key.
        await().atMost(Duration.ofSeconds(30)).until(() -> !posted.isEmpty());
        JsonNode first = posted.get(0);
        assertThat(first.get("check").asText()).isEqualTo("page");
        assertThat(first.get("success").asBoolean()).isTrue();
        assertThat(first.get("error").isNull()).isTrue();
        assertThat(first.get("durationMs").isNumber()).isTrue();
        assertThat(Instant.parse(first.get("timestamp").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(first.get("consecutiveFailures").asInt()).isZero();
        assertThat(keys.get(0)).isEqualTo("probe-key");

        // When: the page breaks. Then: failures counted up, with the reason.
        pageStatus.set(500);
        await().atMost(Duration.ofSeconds(30)).until(() -> posted.stream().anyMatch(p -> p.get("consecutiveFailures").asInt() == 3));
        JsonNode third = posted.stream().filter(p -> p.get("consecutiveFailures").asInt() == 3).findFirst().orElseThrow();
        assertThat(third.get("success").asBoolean()).isFalse();
        assertThat(third.get("error").asText()).isEqualTo("expected status 200, got 500 from GET " + site.url("/"));

        // When: the gateway refuses results. Then: the prober keeps probing, counts the failed posts and is degraded.
        gatewayStatus.set(503);
        int before = posted.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> posted.size() >= before + 3);
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(health.body());
        assertThat(body.get("checks").get("gateway").asBoolean()).isFalse();
        assertThat(body.get("details").get("gatewayError").asText()).startsWith("gateway answered 503");
        assertThat(body.get("details").get("checks").get("page").get("state").asText()).isEqualTo("failing");
        String metrics = get("/metrics").body();
        assertThat(metrics).containsPattern("synthetic_check_runs_total\\{check=\"page\",outcome=\"success\",service=\"synthetic-prober\"} [1-9]");
        assertThat(metrics).containsPattern("synthetic_check_runs_total\\{check=\"page\",outcome=\"failure\",service=\"synthetic-prober\"} [1-9]");
        assertThat(metrics).containsPattern("synthetic_reports_total\\{outcome=\"failed\",service=\"synthetic-prober\"} [1-9]");
        assertThat(metrics).contains("synthetic_check_duration_seconds_count{check=\"page\"");
        assertThat(metrics).containsPattern("synthetic_check_consecutive_failures\\{check=\"page\",service=\"synthetic-prober\"} [1-9]");

        // When: both recover. Then: healthy again, and the failures are reset.
        pageStatus.set(200);
        gatewayStatus.set(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> get("/health").statusCode() == 200
                && posted.get(posted.size() - 1).get("success").asBoolean());
        assertThat(posted.get(posted.size() - 1).get("consecutiveFailures").asInt()).isZero();
    }

    @Test
    void shouldStartNoCheckButServeHealthWhenNoneIsConfigured(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("prober.yaml"), "http: {host: 127.0.0.1, port: 0}\nchecks: []\n");

        prober = Prober.start(ProberConfig.load(yaml, Map.of()));

        assertThat(get("/health").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prober.opsPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
