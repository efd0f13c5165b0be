package dev.telemetry.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.dispatch.Grouping;
import dev.telemetry.alerts.notify.pagerduty.PagerDutyConfig;
import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.AlertsTopic;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.TestSinks;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 14 on a real broker and real HTTP receivers (a webhook and PagerDuty): an incident of many
 * series is one notification per receiver that names its size, and many incidents at once are held
 * to the storm limit, with what was folded on {@code telemetry.notifications}.
 */
@ExtendWith(LocalKafkaExtension.class)
class AlertStormIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private LocalKafka kafka;
    /** The alerts topic, one partition, fresh for each test. */
    private String topic;

    @BeforeEach
    void freshAlertsTopic(LocalKafka broker) {
        kafka = broker;
        topic = AlertsTopic.create(broker);
    }

    /** The shipped grouping by rule and app, with shorter waits (10 s: long enough for 300 records to be produced one by one). */
    private SinkConfig config(RecordingReceiver webhook, RecordingReceiver pagerDuty, int stormLimit) {
        return TestSinks.config(kafka, topic)
                .withGrouping(new Grouping(List.of("alertname", "app"), Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ZERO, true))
                .withStormLimit(stormLimit)
                .withReceivers(List.of(new WebhookConfig("team", webhook.url("/hook"), Duration.ofSeconds(10), Map.of()),
                                new PagerDutyConfig("pager", "routing-key-0123456789", pagerDuty.url("/v2/enqueue"), Duration.ofSeconds(10))),
                        Map.of(), List.of("team", "pager"));
    }

    private static String get(AlertSink sink, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + sink.httpPort() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Warnings and one high (not critical: a critical alert would inhibit the warnings of its app). */
    private static List<AlertEvent> endpoints(String app, int count, AlertStatus status) {
        List<AlertEvent> alerts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            alerts.add(Alerts.endpoint(app, i, i == 7 ? "high" : "warning", 600 + i, status));
        }
        return alerts;
    }

    @Test
    void shouldSendOneNotificationNamingTheCountWhenThreeHundredEndpointsBreachARuleAndOneWhenTheyResolve() throws Exception {
        try (RecordingReceiver webhook = new RecordingReceiver(); RecordingReceiver pagerDuty = new RecordingReceiver();
             AlertSink sink = AlertSink.start(config(webhook, pagerDuty, 20))) {
            AlertsTopic.produce(kafka, topic, endpoints("shop", 300, AlertStatus.FIRING).toArray(AlertEvent[]::new));

            await().atMost(PATIENCE).until(() -> webhook.requests().size() >= 1 && pagerDuty.requests().size() >= 1);
            // A second notification would come a group-interval later: none may come for that long.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> webhook.requests().size() == 1 && pagerDuty.requests().size() == 1);
            assertThat(webhook.requests()).hasSize(1);
            JsonNode firing = webhook.requests().get(0).json();
            assertThat(firing.get("alerts")).hasSize(300);
            assertThat(firing.get("alertCount").asInt()).isEqualTo(300);
            assertThat(firing.get("summary").asText())
                    .startsWith("[FIRING:300] alertname=HighLatency, app=shop: 300 alerts\n- (high) endpoint=/api/7: latency_ms p99 is 607")
                    .contains("- (warning) endpoint=/api/299: latency_ms p99 is 899").endsWith("and 295 more alerts\n");
            assertThat(pagerDuty.requests()).hasSize(1);
            JsonNode trigger = pagerDuty.requests().get(0).json();
            assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
            assertThat(trigger.at("/payload/summary").asText()).isEqualTo("[FIRING:300] alertname=HighLatency, app=shop: 300 alerts");
            assertThat(trigger.at("/payload/custom_details/more").asText()).isEqualTo("and 295 more alerts");
            String dedupKey = trigger.get("dedup_key").asText();
            assertThat(dedupKey).startsWith("group:");

            AlertsTopic.produce(kafka, topic, endpoints("shop", 300, AlertStatus.RESOLVED).toArray(AlertEvent[]::new));

            await().atMost(PATIENCE).until(() -> webhook.requests().size() >= 2 && pagerDuty.requests().size() >= 2);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> webhook.requests().size() == 2 && pagerDuty.requests().size() == 2);
            assertThat(webhook.requests()).hasSize(2);
            assertThat(webhook.requests().get(1).json().get("status").asText()).isEqualTo("resolved");
            assertThat(webhook.requests().get(1).json().get("alertCount").asInt()).isEqualTo(300);
            assertThat(pagerDuty.requests()).hasSize(2);
            assertThat(pagerDuty.requests().get(1).json().get("event_action").asText()).isEqualTo("resolve");
            assertThat(pagerDuty.requests().get(1).json().get("dedup_key").asText()).isEqualTo(dedupKey);
        }
    }

    @Test
    void shouldFoldGroupsBeyondTheStormLimitIntoOneStormNotificationWhenAHundredAppsFireAtOnce() throws Exception {
        try (RecordingReceiver webhook = new RecordingReceiver(); RecordingReceiver pagerDuty = new RecordingReceiver()) {
            SinkConfig config = config(webhook, pagerDuty, 20);
            try (AlertSink sink = AlertSink.start(config)) {
                List<AlertEvent> alerts = new ArrayList<>();
                for (int app = 0; app < 100; app++) {
                    alerts.addAll(endpoints("app" + app, 2, AlertStatus.FIRING));
                }
                long start = System.nanoTime();
                AlertsTopic.produce(kafka, topic, alerts.toArray(AlertEvent[]::new));

                await().atMost(PATIENCE).until(() -> webhook.requests().size() >= 21 && pagerDuty.requests().size() >= 21);
                // Nothing more within the minute: no 22nd notification for a while.
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(15))
                        .until(() -> webhook.requests().size() == 21 && pagerDuty.requests().size() == 21);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMinutes(1));
                for (RecordingReceiver receiver : List.of(webhook, pagerDuty)) {
                    assertThat(receiver.requests()).hasSize(21);
                }
                List<JsonNode> storms = webhook.requests().stream().map(RecordingReceiver.Request::json)
                        .filter(json -> json.get("summary").asText().startsWith("[STORM]")).toList();
                assertThat(storms).hasSize(1);
                assertThat(storms.get(0).get("summary").asText())
                        .startsWith("[STORM] team: 80 groups (160 alerts) held back, over the limit of 20 notifications a minute")
                        .contains("and 70 more groups").contains("See all: " + config.topicCatalogue().name(Topic.NOTIFICATIONS));
                assertThat(storms.get(0).get("alerts")).hasSize(160);
                assertThat(pagerDuty.requests().stream().map(r -> r.json().get("dedup_key").asText()))
                        .contains("alert-storm/pager").doesNotHaveDuplicates();

                List<String> journal = NoSecretsIntegrationTest.read(kafka, config.topicCatalogue().name(Topic.NOTIFICATIONS));
                assertThat(journal.stream().filter(r -> r.contains("\"outcome\":\"folded\"") && r.contains("\"receiver\":\"team\""))).hasSize(80);
                assertThat(journal.stream().filter(r -> r.contains("\"outcome\":\"folded\"") && r.contains("\"receiver\":\"pager\""))).hasSize(80);
                assertThat(get(sink, "/metrics")).contains("alerts_storm_folded_total{receiver=\"team\",service=\"alert-sink\"} 80.0")
                        .contains("alerts_storm_active{receiver=\"team\",service=\"alert-sink\"} 1.0");
                assertThat(get(sink, "/health")).contains("\"status\":\"storm\"");
            }
        }
    }
}
