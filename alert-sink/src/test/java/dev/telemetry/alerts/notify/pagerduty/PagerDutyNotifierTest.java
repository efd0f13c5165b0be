package dev.telemetry.alerts.notify.pagerduty;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PagerDutyNotifierTest {

    private static final String ROUTING_KEY = "R0UTINGKEYsecret0000000000000000";

    private static PagerDutyNotifier notifier(RecordingReceiver receiver) {
        return new PagerDutyNotifier(new PagerDutyConfig("pager", ROUTING_KEY, receiver.url("/v2/enqueue"),
                Duration.ofSeconds(5)), Clock.systemUTC());
    }

    @Test
    void shouldTriggerWithTheFingerprintAsDedupKeyWhenAlertFires() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.status(202, "{\"status\":\"success\"}"))) {
            DeliveryResult result = notifier(receiver).deliver(Alerts.firing("fp-1", List.of()), "k");

            assertThat(result).isEqualTo(DeliveryResult.delivered());
            assertThat(receiver.requests().get(0).path()).isEqualTo("/v2/enqueue");
            assertThat(receiver.requests().get(0).json()).isEqualTo(new ObjectMapper().readTree("""
                    {
                      "routing_key": "%s",
                      "event_action": "trigger",
                      "dedup_key": "fp-1",
                      "payload": {
                        "summary": "[FIRING] HighErrorRate on shop (high): error_rate mean is 0.07, threshold > 0.05",
                        "source": "shop",
                        "severity": "error",
                        "timestamp": "2024-05-01T10:00:00Z",
                        "component": "error_rate",
                        "group": "shop",
                        "class": "HighErrorRate",
                        "custom_details": {
                          "value": "error_rate mean is 0.07, threshold > 0.05",
                          "since": "firing since 2024-05-01 10:00 UTC",
                          "labels": {"alertname": "HighErrorRate", "app": "shop", "severity": "high"},
                          "annotations": {"runbook_url": "https://runbooks.example/error-rate", "summary": "Error rate above 5%%"}
                        }
                      },
                      "links": [{"href": "https://runbooks.example/error-rate", "text": "Runbook"}],
                      "client": "telemetry-alert-sink"
                    }
                    """.formatted(ROUTING_KEY)));
        }
    }

    @Test
    void shouldResolveTheSameIncidentWhenAlertIsResolved() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.status(202))) {
            notifier(receiver).deliver(Alerts.resolved("fp-1", List.of()), "k");

            assertThat(receiver.requests().get(0).json()).isEqualTo(new ObjectMapper().readTree("""
                    {"routing_key": "%s", "event_action": "resolve", "dedup_key": "fp-1"}
                    """.formatted(ROUTING_KEY)));
        }
    }

    @ParameterizedTest
    @CsvSource({"critical,critical", "high,error", "error,error", "warning,warning", "medium,warning", "low,info", "info,info",
            "whatever,error"})
    void shouldMapTheRuleSeverityWhenTriggering(String rule, String pagerDuty) {
        assertThat(PagerDutyEvent.severity(rule)).isEqualTo(pagerDuty);
    }

    @Test
    void shouldTruncateNotDropWhenTheEventWouldExceed512Kb() {
        String huge = "x".repeat(700 * 1024);
        AlertEvent alert = new AlertEvent(AlertEvent.SCHEMA_VERSION, "fp-big", AlertStatus.FIRING, "Big", "m", "mean",
                Map.of("app", "shop"), 1, 0, "gt", "critical", List.of(), Map.of("description", huge, "summary", huge),
                Alerts.STARTS_AT, null, Alerts.STARTS_AT);

        PagerDutyEvent event = PagerDutyEvent.of(ROUTING_KEY, alert);

        assertThat(PagerDutyEvent.size(event)).isLessThanOrEqualTo(PagerDutyEvent.MAX_BYTES);
        assertThat(event.payload().summary()).hasSizeLessThanOrEqualTo(1024);
        assertThat(event.dedupKey()).isEqualTo("fp-big");
        assertThat(event.payload().customDetails()).containsKey("truncated").containsKey("annotations");
    }

    @Test
    void shouldKeepTheRoutingKeyOutOfTheReasonWhenPagerDutyEchoesIt() {
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.status(400, "{\"message\":\"bad key " + ROUTING_KEY + "\"}"))) {
            DeliveryResult result = notifier(receiver).deliver(Alerts.firing("fp-1", List.of()), "k");

            assertThat(result).isInstanceOf(DeliveryResult.Permanent.class);
            assertThat(result.toString()).doesNotContain(ROUTING_KEY).contains("HTTP 400");
        }
    }
}
