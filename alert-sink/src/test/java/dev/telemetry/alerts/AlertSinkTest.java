package dev.telemetry.alerts;

import dev.telemetry.alerts.notify.log.LogConfig;
import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.config.SinkConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sink's lifecycle and operations endpoint, without a broker: the consumer keeps trying to connect. */
class AlertSinkTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static SinkConfig config() {
        return SinkConfig.defaults()
                .withKafka("127.0.0.1:1")
                .withHttp("127.0.0.1", 0)
                .withReceivers(List.of(new LogConfig("console"),
                                new WebhookConfig("team", "https://hooks.example.com/services/XXXXsecretXXXX")),
                        Map.of("#alerts", List.of("team")), List.of("console"));
    }

    private static HttpResponse<String> get(AlertSink sink, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldReportDegradedAndExposeReceiverMetricsWhenTheBrokerIsUnreachable() throws Exception {
        try (AlertSink sink = AlertSink.start(config())) {
            HttpResponse<String> health = get(sink, "/health");
            HttpResponse<String> metrics = get(sink, "/metrics");

            // No broker: the notification log cannot be read, so nothing may be sent yet.
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("\"kafka_consumer_running\":true").contains("\"notification_log_loaded\":false")
                    .contains("\"status\":\"degraded\"").contains("\"team\":{");
            assertThat(metrics.body())
                    .contains("alerts_notifications_total{outcome=\"retryable\",receiver=\"team\",service=\"alert-sink\"} 0.0")
                    .contains("alerts_delivery_latency_seconds_count{receiver=\"console\",service=\"alert-sink\"} 0")
                    .contains("alerts_backlog{service=\"alert-sink\"} 0.0")
                    .contains("alerts_notifications_failed_total{reason=\"timeout\",receiver=\"team\",service=\"alert-sink\"} 0.0")
                    .doesNotContain("XXXXsecretXXXX")
                    .contains("kafka_consumer_");
        }
    }

    @Test
    void shouldStopPromptlyAndReportNotRunningWhenClosedTwice() throws Exception {
        AlertSink sink = AlertSink.start(config());
        int port = sink.httpPort();
        long started = System.nanoTime();

        sink.close();
        sink.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(5)).until(() -> {
            try {
                HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
                return false;
            } catch (java.io.IOException e) {
                return true;
            }
        });
    }
}
