package dev.telemetry.alerts.notify.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SlackNotifierTest {

    private static SlackNotifier notifier(RecordingReceiver receiver) {
        return new SlackNotifier(new SlackConfig("slack", receiver.url("/services/T000/B000/XXXXsecretXXXX"),
                Duration.ofSeconds(5)), Clock.systemUTC());
    }

    @Test
    void shouldPostWhatValueSinceLabelsAndRunbookWhenAlertFires() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            DeliveryResult result = notifier(receiver).deliver(Alerts.firing("fp-1", List.of("#alerts")), "k");

            assertThat(result).isEqualTo(DeliveryResult.delivered());
            assertThat(receiver.requests().get(0).path()).isEqualTo("/services/T000/B000/XXXXsecretXXXX");
            assertThat(receiver.requests().get(0).json()).isEqualTo(new ObjectMapper().readTree("""
                    {
                      "text": ":rotating_light: [FIRING] HighErrorRate on shop (high)",
                      "attachments": [{
                        "color": "#d62728",
                        "title": "[FIRING] HighErrorRate on shop (high)",
                        "title_link": "https://runbooks.example/error-rate",
                        "text": "Error rate above 5%\\n*error_rate mean is 0.07, threshold &gt; 0.05*\\nfiring since 2024-05-01 10:00 UTC\\nLabels: `alertname=HighErrorRate, app=shop, severity=high`\\nRunbook: <https://runbooks.example/error-rate>",
                        "footer": "fingerprint fp-1"
                      }]
                    }
                    """));
        }
    }

    @Test
    void shouldSayWhenAndAfterHowLongWhenAlertIsResolved() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            notifier(receiver).deliver(Alerts.resolved("fp-1", List.of("#alerts")), "k");

            var json = receiver.requests().get(0).json();
            assertThat(json.get("text").asText()).isEqualTo(":white_check_mark: [RESOLVED] HighErrorRate on shop (high)");
            assertThat(json.get("attachments").get(0).get("color").asText()).isEqualTo("#2ca02c");
            assertThat(json.get("attachments").get(0).get("text").asText())
                    .contains("error_rate mean is 0.01, threshold &gt; 0.05").contains("resolved at 2024-05-01 10:07 UTC after 7 min");
        }
    }

    @Test
    void shouldEscapeSlackControlCharactersWhenLabelsContainThem() throws Exception {
        AlertEvent alert = new AlertEvent(AlertEvent.SCHEMA_VERSION, "fp-x", AlertStatus.FIRING, "Bad<rule>", "m", "mean",
                Map.of("app", "<!channel> & co"), 1, 0, "gt", "high", List.of(), Map.of(), Alerts.STARTS_AT, null, Alerts.STARTS_AT);
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            notifier(receiver).deliver(alert, "k");

            String body = new String(receiver.requests().get(0).body(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(body).doesNotContain("<!channel>").contains("&lt;!channel&gt; &amp; co").contains("Bad&lt;rule&gt;");
        }
    }

    @Test
    void shouldNeverShowTheWebhookPathWhenSlackRefuses() {
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.status(404, "no_service"))) {
            DeliveryResult result = notifier(receiver).deliver(Alerts.firing("fp-1", List.of()), "k");

            assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
            assertThat(result.toString()).doesNotContain("XXXXsecretXXXX").contains("HTTP 404");
        }
    }

    @Test
    void shouldSendOneMessageWithAnAttachmentPerAlertWhenTheNotificationIsAGroup() {
        AlertEvent other = new AlertEvent(AlertEvent.SCHEMA_VERSION, "fp-2", AlertStatus.RESOLVED, "HighErrorRate", "error_rate",
                "mean", Map.of("alertname", "HighErrorRate", "app", "shop", "route", "/cart"), 0.01, 0.05, "gt", "high", List.of(),
                Map.of(), Alerts.STARTS_AT, Alerts.ENDS_AT, Alerts.STARTS_AT);
        Map<String, String> group = Map.of("alertname", "HighErrorRate", "app", "shop");
        var notification = dev.telemetry.alerts.notify.Notification.of(dev.telemetry.alerts.notify.Notification.groupKey(group),
                group, List.of(Alerts.firing("fp-1", List.of()), other), "");
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            DeliveryResult result = notifier(receiver).deliver(notification);

            assertThat(result).isEqualTo(DeliveryResult.delivered());
            assertThat(receiver.requests()).hasSize(1);
            var json = receiver.requests().get(0).json();
            assertThat(json.get("text").asText()).isEqualTo(":rotating_light: [FIRING:1] [RESOLVED:1] alertname=HighErrorRate, app=shop: 2 alerts");
            assertThat(json.get("attachments")).extracting(a -> a.get("footer").asText())
                    .containsExactly("fingerprint fp-1", "fingerprint fp-2");
        }
    }
}
