package dev.telemetry.gateway;

import static dev.telemetry.gateway.testing.GatewayFixture.json;
import static dev.telemetry.gateway.testing.GatewayFixture.post;
import static dev.telemetry.gateway.testing.GatewayFixture.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.service.ops.ErrorReporter;
import dev.telemetry.service.testing.FakeSentry;
import dev.telemetry.gateway.testing.GatewayFixture;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Self-monitoring through a running gateway: an unexpected exception of ours is answered 500 without
 * internals and reaches Sentry (here a local HTTP server standing in for sentry.io, found through a
 * real {@code SENTRY_DSN}); a client's bad input is answered 4xx and never reported.
 */
@ExtendWith(LocalKafkaExtension.class)
class SentryReportingTest {

    private static final String KEY = "sentry-test-key-7f3a";

    @Test
    void shouldReportOurOwnExceptionToSentryButNotTheClientsBadInput(LocalKafka kafka, @TempDir Path dir) throws Exception {
        FakeSentry sentry = new FakeSentry();
        List<String> envelopes = sentry.envelopes();
        String dsn = sentry.dsn(7);
        ErrorReporter reporter = ErrorReporter.fromEnvironment(Map.of("SENTRY_DSN", dsn, "SENTRY_ENVIRONMENT", "test"), "ingest-gateway", "sentry-test");
        GatewayServer gateway = GatewayServer.start(GatewayFixture.config(dir, GatewayFixture.uniqueRawTopics(kafka), """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: sentry}]
                """.formatted(kafka.bootstrapServers(), KEY)), reporter);
        try {
            assertThat(postMetric(gateway, "{\"name\":\"sentry_ok\",\"value\":1}").statusCode()).isEqualTo(202);
            HttpResponse<String> bad = postMetric(gateway, "{\"name\":\"truncated\",\"value\":");
            assertThat(bad.statusCode()).isEqualTo(400);

            // A bug of ours, not Kafka being away: the producer is used after it was closed, which
            // send() reports with an IllegalStateException rather than a KafkaException.
            gateway.publisher().producer().close();
            HttpResponse<String> bug = postMetric(gateway, "{\"name\":\"sentry_bug\",\"value\":2}");

            assertThat(bug.statusCode()).isEqualTo(500);
            assertThat(json(bug).get("error").asText()).isEqualTo("internal");
            assertThat(bug.body()).as("no internals in the answer").doesNotContain("IllegalStateException").doesNotContain("closed");
            await().atMost(Duration.ofSeconds(30)).until(() -> envelopes.stream().anyMatch(e -> e.contains("IllegalStateException")));
            String event = envelopes.stream().filter(e -> e.contains("IllegalStateException")).findFirst().orElseThrow();
            assertThat(event).startsWith("/api/7/envelope/")
                    .contains("POST /api/metrics")
                    .contains("ingest-gateway@sentry-test")
                    .as("the ingest key is a secret").doesNotContain(KEY);
            assertThat(envelopes).as("the client's bad input is not our error")
                    .noneMatch(e -> e.contains("truncated") || e.contains("ApiException"));
        } finally {
            gateway.close();
            sentry.close();
        }
    }

    private static HttpResponse<String> postMetric(GatewayServer gateway, String body) throws Exception {
        return send(post(gateway.port(), "/api/metrics", "application/json", body.getBytes(StandardCharsets.UTF_8))
                .header("X-Telemetry-Key", KEY).build());
    }
}
