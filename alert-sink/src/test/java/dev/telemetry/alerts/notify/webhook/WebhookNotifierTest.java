package dev.telemetry.alerts.notify.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import dev.telemetry.events.derived.AlertEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WebhookNotifierTest {

    private static final Instant NOW = Instant.parse("2024-05-01T10:08:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static WebhookNotifier notifier(String url, Duration timeout) {
        return new WebhookNotifier(new WebhookConfig("team", url, timeout, Map.of("Authorization", "Bearer s3cret")),
                "http://alert-sink.example:8082", CLOCK);
    }

    @Test
    void shouldPostAlertmanagerV4PayloadWhenAlertIsFiring() throws Exception {
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            AlertEvent alert = Alerts.firing("fp-1", List.of("#alerts"));

            DeliveryResult result = notifier(receiver.url("/hook"), Duration.ofSeconds(5)).deliver(alert, "fp-1:firing:x");

            assertThat(result).isEqualTo(new DeliveryResult.Delivered());
            RecordingReceiver.Request request = receiver.requests().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/hook");
            assertThat(request.header("Content-Type")).isEqualTo("application/json");
            assertThat(request.header("Authorization")).isEqualTo("Bearer s3cret");
            assertThat(request.json()).isEqualTo(new ObjectMapper().readTree("""
                    {
                      "version": "4",
                      "groupKey": "{}:{alertname=\\"HighErrorRate\\", app=\\"shop\\", severity=\\"high\\"}",
                      "truncatedAlerts": 0,
                      "status": "firing",
                      "receiver": "team",
                      "groupLabels": {"alertname": "HighErrorRate", "app": "shop", "severity": "high"},
                      "commonLabels": {"alertname": "HighErrorRate", "app": "shop", "severity": "high"},
                      "commonAnnotations": {
                        "summary": "Error rate above 5%",
                        "runbook_url": "https://runbooks.example/error-rate",
                        "description": "error_rate is 0.07 (threshold: gt 0.05)"
                      },
                      "externalURL": "http://alert-sink.example:8082",
                      "alerts": [{
                        "status": "firing",
                        "labels": {"alertname": "HighErrorRate", "app": "shop", "severity": "high"},
                        "annotations": {
                          "summary": "Error rate above 5%",
                          "runbook_url": "https://runbooks.example/error-rate",
                          "description": "error_rate is 0.07 (threshold: gt 0.05)"
                        },
                        "startsAt": "2024-05-01T10:00:00Z",
                        "endsAt": "0001-01-01T00:00:00Z",
                        "generatorURL": "",
                        "fingerprint": "fp-1"
                      }],
                      "alertCount": 1,
                      "summary": "[FIRING:1] alertname=HighErrorRate, app=shop, severity=high: 1 alert\\n- (high) HighErrorRate: error_rate mean is 0.07, threshold > 0.05\\n"
                    }
                    """));
        }
    }

    @Test
    void shouldSendEndsAtAndResolvedStatusWhenAlertIsResolved() {
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            notifier(receiver.url("/hook"), Duration.ofSeconds(5)).deliver(Alerts.resolved("fp-1", List.of()), "k");

            var json = receiver.requests().get(0).json();
            assertThat(json.get("status").asText()).isEqualTo("resolved");
            assertThat(json.at("/alerts/0/status").asText()).isEqualTo("resolved");
            assertThat(json.at("/alerts/0/endsAt").asText()).isEqualTo("2024-05-01T10:07:00Z");
        }
    }

    @Test
    void shouldSendTheSameIdempotencyKeyWhenTheSameNotificationIsRetried() {
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.status(503))) {
            AlertEvent alert = Alerts.firing("fp-9", List.of());
            String key = Notifier.idempotencyKey(alert);
            WebhookNotifier notifier = notifier(receiver.url("/hook"), Duration.ofSeconds(5));

            DeliveryResult first = notifier.deliver(alert, key);
            DeliveryResult second = notifier.deliver(alert, key);

            assertThat(first).isInstanceOf(DeliveryResult.Retryable.class);
            assertThat(second).isEqualTo(new DeliveryResult.Delivered());
            assertThat(receiver.requests()).extracting(r -> r.header("Idempotency-Key"))
                    .containsExactly("fp-9:firing:2024-05-01T10:00:00Z", "fp-9:firing:2024-05-01T10:00:00Z");
        }
    }

    static Stream<Arguments> statuses() {
        return Stream.of(
                Arguments.of("200 is delivered", Reply.status(200), new DeliveryResult.Delivered()),
                Arguments.of("202 is delivered", Reply.status(202), new DeliveryResult.Delivered()),
                Arguments.of("400 is permanent", Reply.status(400, "bad payload"), new DeliveryResult.Permanent("HTTP 400: bad payload")),
                Arguments.of("404 is permanent", Reply.status(404), new DeliveryResult.Permanent("HTTP 404")),
                Arguments.of("410 is permanent", Reply.status(410), new DeliveryResult.Permanent("HTTP 410")),
                Arguments.of("429 honours Retry-After seconds", Reply.withHeader(429, "Retry-After", "7"),
                        new DeliveryResult.Retryable("HTTP 429", Optional.of(Duration.ofSeconds(7)))),
                Arguments.of("503 honours Retry-After date", Reply.withHeader(503, "Retry-After", "Wed, 01 May 2024 10:08:30 GMT"),
                        new DeliveryResult.Retryable("HTTP 503", Optional.of(Duration.ofSeconds(30)))),
                Arguments.of("500 is retryable", Reply.status(500, "oops\nstack"), new DeliveryResult.Retryable("HTTP 500: oops stack")),
                Arguments.of("503 is retryable", Reply.status(503), new DeliveryResult.Retryable("HTTP 503")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statuses")
    void shouldClassifyTheAnswerWhenReceiverRespondsWithStatus(String name, Reply reply, DeliveryResult expected) {
        try (RecordingReceiver receiver = new RecordingReceiver(reply)) {
            DeliveryResult result = notifier(receiver.url("/hook"), Duration.ofSeconds(5)).deliver(Alerts.firing("fp", List.of()), "k");

            assertThat(result).isEqualTo(expected);
        }
    }

    @Test
    void shouldBeRetryableWithinTheTimeoutWhenReceiverHangs() {
        try (RecordingReceiver receiver = new RecordingReceiver(Reply.hang())) {
            long started = System.nanoTime();

            DeliveryResult result = notifier(receiver.url("/hook"), Duration.ofMillis(300)).deliver(Alerts.firing("fp", List.of()), "k");

            assertThat(result).isInstanceOf(DeliveryResult.Retryable.class);
            assertThat(((DeliveryResult.Retryable) result).reason()).contains("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void shouldBeRetryableWhenNothingListens() {
        String url;
        try (RecordingReceiver closed = new RecordingReceiver()) {
            url = closed.url("/hook");
        }

        DeliveryResult result = notifier(url, Duration.ofSeconds(2)).deliver(Alerts.firing("fp", List.of()), "k");

        assertThat(result).isInstanceOf(DeliveryResult.Retryable.class);
        assertThat(((DeliveryResult.Retryable) result).retryAfter()).isEmpty();
    }

    @Test
    void shouldKeepTheTokenOutOfEveryReasonWhenTheUrlCarriesOne() {
        String secret = "T000/B000/XXXXsecretXXXX";
        List<Reply> replies = List.of(Reply.status(500, "no route to /services/" + secret), Reply.status(404), Reply.hang());
        try (RecordingReceiver receiver = new RecordingReceiver(replies.toArray(Reply[]::new))) {
            WebhookNotifier notifier = notifier(receiver.url("/services/" + secret + "?token=abc123"), Duration.ofMillis(300));

            List<DeliveryResult> results = Stream.generate(() -> notifier.deliver(Alerts.firing("fp", List.of()), "k"))
                    .limit(replies.size()).toList();

            assertThat(results).hasSize(3).allSatisfy(result -> assertThat(result.toString())
                    .doesNotContain(secret).doesNotContain("abc123").doesNotContain("XXXXsecretXXXX"));
            assertThat(notifier.toString()).doesNotContain(secret).doesNotContain("abc123").doesNotContain("s3cret");
        }
    }

    @Test
    void shouldSendTheGroupInOnePayloadWithCommonLabelsWhenTheNotificationHasSeveralAlerts() {
        AlertEvent shop1 = new AlertEvent(AlertEvent.SCHEMA_VERSION, "fp-a", dev.telemetry.events.derived.AlertStatus.FIRING,
                "HighErrorRate", "error_rate", "mean", Map.of("alertname", "HighErrorRate", "app", "shop", "route", "/a"), 0.07, 0.05,
                "gt", "high", List.of(), Map.of("summary", "Error rate above 5%"), Alerts.STARTS_AT, null, Alerts.STARTS_AT);
        AlertEvent shop2 = new AlertEvent(AlertEvent.SCHEMA_VERSION, "fp-b", dev.telemetry.events.derived.AlertStatus.RESOLVED,
                "HighErrorRate", "error_rate", "mean", Map.of("alertname", "HighErrorRate", "app", "shop", "route", "/b"), 0.01, 0.05,
                "gt", "high", List.of(), Map.of("summary", "Error rate above 5%"), Alerts.STARTS_AT, Alerts.ENDS_AT, Alerts.STARTS_AT);
        Map<String, String> group = Map.of("alertname", "HighErrorRate", "app", "shop");
        dev.telemetry.alerts.notify.Notification notification = dev.telemetry.alerts.notify.Notification.of(
                dev.telemetry.alerts.notify.Notification.groupKey(group), group, List.of(shop1, shop2), "");
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            DeliveryResult result = notifier(receiver.url("/hook"), Duration.ofSeconds(5)).deliver(notification);

            assertThat(result).isEqualTo(DeliveryResult.delivered());
            var json = receiver.requests().get(0).json();
            assertThat(receiver.requests()).hasSize(1);
            assertThat(json.get("status").asText()).isEqualTo("firing");
            assertThat(json.get("groupKey").asText()).isEqualTo("{}:{alertname=\"HighErrorRate\", app=\"shop\"}");
            assertThat(json.get("groupLabels").toString()).isEqualTo("{\"alertname\":\"HighErrorRate\",\"app\":\"shop\"}");
            assertThat(json.get("commonLabels").toString())
                    .isEqualTo("{\"alertname\":\"HighErrorRate\",\"app\":\"shop\",\"severity\":\"high\"}");
            assertThat(json.get("commonAnnotations").toString()).isEqualTo("{\"summary\":\"Error rate above 5%\"}");
            assertThat(json.get("alerts")).extracting(a -> a.get("fingerprint").asText() + "/" + a.get("status").asText())
                    .containsExactly("fp-a/firing", "fp-b/resolved");
            assertThat(receiver.requests().get(0).header("Idempotency-Key")).startsWith("group:")
                    .isEqualTo(notification.idempotencyKey());
        }
    }
}
