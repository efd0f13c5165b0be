package dev.telemetry.alerts.notify.sentry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The Sentry SDK pointed at a local HTTP server; the test parses the envelope it receives. */
class SentryNotifierTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static SentryNotifier notifier(RecordingReceiver receiver) {
        String dsn = receiver.url("/42").replace("http://", "http://publicKeySecret@");
        return new SentryNotifier(new SentryConfig("sentry", dsn, "test", Duration.ofSeconds(5)));
    }

    /** The envelope's lines: envelope header, item header, item payload (the event). */
    private static List<JsonNode> envelope(RecordingReceiver.Request request) throws IOException {
        byte[] body = request.body();
        if ("gzip".equalsIgnoreCase(request.header("Content-Encoding"))) {
            body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        }
        List<JsonNode> lines = new java.util.ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void shouldSendAnEventWithMessageLevelAndLabelTagsWhenAlertFires() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            DeliveryResult result = notifier(receiver).deliver(Alerts.firing("fp-1", List.of()), "fp-1:firing:2024-05-01T10:00:00Z");

            assertThat(result).isEqualTo(DeliveryResult.delivered());
            RecordingReceiver.Request request = receiver.requests().get(0);
            assertThat(request.path()).isEqualTo("/api/42/envelope/");
            assertThat(request.header("X-Sentry-Auth")).contains("sentry_key=publicKeySecret");
            List<JsonNode> lines = envelope(request);
            assertThat(lines.get(1).get("type").asText()).isEqualTo("event");
            JsonNode event = lines.get(2);
            assertThat(event.get("message").get("formatted").asText())
                    .isEqualTo("[FIRING] HighErrorRate on shop (high): error_rate mean is 0.07, threshold > 0.05");
            assertThat(event.get("level").asText()).isEqualTo("error");
            assertThat(event.get("environment").asText()).isEqualTo("test");
            assertThat(event.get("tags").get("app").asText()).isEqualTo("shop");
            assertThat(event.get("tags").get("alertname").asText()).isEqualTo("HighErrorRate");
            assertThat(event.get("tags").get("alert_status").asText()).isEqualTo("firing");
            assertThat(event.get("fingerprint").get(0).asText()).isEqualTo("fp-1");
            assertThat(event.get("extra").get("runbook_url").asText()).isEqualTo("https://runbooks.example/error-rate");
            assertThat(event.get("event_id").asText()).isEqualTo(lines.get(0).get("event_id").asText());
        }
    }

    @Test
    void shouldReuseTheEventIdAndRetryWhenSentryFailsOnce() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.status(503))) {
            SentryNotifier notifier = notifier(receiver);

            DeliveryResult first = notifier.deliver(Alerts.firing("fp-1", List.of()), "key-1");
            DeliveryResult second = notifier.deliver(Alerts.firing("fp-1", List.of()), "key-1");

            assertThat(first).isInstanceOf(DeliveryResult.Retryable.class);
            assertThat(first.toString()).doesNotContain("publicKeySecret");
            assertThat(second).isEqualTo(DeliveryResult.delivered());
            assertThat(envelope(receiver.requests().get(0)).get(2).get("event_id").asText())
                    .isEqualTo(envelope(receiver.requests().get(1)).get(2).get("event_id").asText());
        }
    }

    @Test
    void shouldMapSeverityToSentryLevelWhenCapturing() {
        assertThat(SentryNotifier.level("critical")).hasToString("FATAL");
        assertThat(SentryNotifier.level("high")).hasToString("ERROR");
        assertThat(SentryNotifier.level("warning")).hasToString("WARNING");
        assertThat(SentryNotifier.level("info")).hasToString("INFO");
    }
}
