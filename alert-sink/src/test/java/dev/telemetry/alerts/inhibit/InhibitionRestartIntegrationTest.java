package dev.telemetry.alerts.inhibit;

import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.TestSinks;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The shipped inhibit rule on a real broker, across a restart: a critical alert consumed before still mutes. */
@ExtendWith(LocalKafkaExtension.class)
class InhibitionRestartIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static AlertEvent alert(String fingerprint, String app, String severity) {
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint, AlertStatus.FIRING, "HighErrorRate", "error_rate", "mean",
                Map.of("alertname", "HighErrorRate", "app", app, "severity", severity), 0.3, 0.05, "gt", severity, List.of(),
                Map.of(), Alerts.STARTS_AT, null, Alerts.STARTS_AT);
    }

    private static void produce(LocalKafka kafka, String topic, AlertEvent... alerts) throws Exception {
        try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), JsonSerde.alert().serializer())) {
            for (AlertEvent alert : alerts) {
                producer.send(new ProducerRecord<>(topic, alert.fingerprint(), alert)).get();
            }
        }
    }

    @Test
    void shouldMuteLowerSeveritiesOfTheAppWhenItsCriticalAlertFiredBeforeTheRestart(LocalKafka kafka) throws Exception {
        String topic = kafka.uniqueTopicName("alerts");
        kafka.createTopic(topic, 1);
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            SinkConfig config = TestSinks.config(kafka, topic).withReceivers(
                    List.of(new WebhookConfig("team", receiver.url("/hook"))), Map.of(), List.of("team"));
            try (AlertSink first = AlertSink.start(config)) {
                produce(kafka, topic, alert("fp-crit", "shop", "critical"));
                await().atMost(PATIENCE).until(() -> receiver.requests().size() == 1);
            }
            try (AlertSink second = AlertSink.start(config)) {
                produce(kafka, topic, alert("fp-high", "shop", "high"), alert("fp-cart", "cart", "high"));
                await().atMost(PATIENCE).until(() -> receiver.requests().size() >= 2);
            }
            assertThat(receiver.requests()).extracting(r -> r.json().at("/alerts/0/fingerprint").asText())
                    .containsExactly("fp-crit", "fp-cart");
        }
    }
}
