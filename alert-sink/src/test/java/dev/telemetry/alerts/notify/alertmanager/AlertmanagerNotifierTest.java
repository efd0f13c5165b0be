package dev.telemetry.alerts.notify.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The payload shape against a recording server, and the real thing: Debian's
 * {@code prometheus-alertmanager} binary, started here on a free port (CI installs it; a missing
 * binary fails the test rather than skipping it).
 */
class AlertmanagerNotifierTest {

    private static final String BINARY = "prometheus-alertmanager";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldPostPostableAlertsWhenAlertFiresAndResolves() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            AlertmanagerNotifier notifier = new AlertmanagerNotifier(new AlertmanagerConfig("am", receiver.url("/am/"),
                    Duration.ofSeconds(5)), "http://sink.example:8082", Clock.systemUTC());

            notifier.deliver(Alerts.firing("fp-1", List.of()), "k");
            notifier.deliver(Alerts.resolved("fp-1", List.of()), "k");

            assertThat(receiver.requests()).extracting(RecordingReceiver.Request::path).containsOnly("/am/api/v2/alerts");
            assertThat(receiver.requests().get(0).json()).isEqualTo(JSON.readTree("""
                    [{"labels": {"alertname": "HighErrorRate", "app": "shop", "severity": "high"},
                      "annotations": {"runbook_url": "https://runbooks.example/error-rate", "summary": "Error rate above 5%"},
                      "startsAt": "2024-05-01T10:00:00Z",
                      "generatorURL": "http://sink.example:8082"}]
                    """));
            assertThat(receiver.requests().get(1).json().get(0).get("endsAt").asText()).isEqualTo("2024-05-01T10:07:00Z");
        }
    }

    @Test
    void shouldShowTheAlertThroughItsApiWhenSentToARealAlertmanager(@TempDir Path dir) throws Exception {
        int port = freePort();
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: blackhole
                receivers:
                  - name: blackhole
                """);
        Process alertmanager = new ProcessBuilder(BINARY, "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> get(base + "/-/ready").statusCode() == 200);
            AlertmanagerNotifier notifier = new AlertmanagerNotifier(new AlertmanagerConfig("am", base, Duration.ofSeconds(5)),
                    "", Clock.systemUTC());
            // Recent enough that Alertmanager does not treat it as long resolved.
            var firing = Alerts.alert("fp-am", dev.telemetry.events.derived.AlertStatus.FIRING, 0.07, List.of(),
                    java.time.Instant.now().minusSeconds(60), null);

            assertThat(notifier.deliver(firing, "k")).isEqualTo(DeliveryResult.delivered());

            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get(base + "/api/v2/alerts").body()).size() == 1);
            JsonNode shown = JSON.readTree(get(base + "/api/v2/alerts").body()).get(0);
            assertThat(shown.get("labels").get("alertname").asText()).isEqualTo("HighErrorRate");
            assertThat(shown.get("labels").get("app").asText()).isEqualTo("shop");
            assertThat(shown.get("annotations").get("summary").asText()).isEqualTo("Error rate above 5%");
            assertThat(shown.get("status").get("state").asText()).isEqualTo("active");
        } finally {
            alertmanager.destroy();
            if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly();
            }
        }
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
