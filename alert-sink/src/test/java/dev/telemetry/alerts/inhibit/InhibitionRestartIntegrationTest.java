package dev.telemetry.alerts.inhibit;

import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.AlertsTopic;
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

    @Test
    void shouldMuteLowerSeveritiesOfTheAppWhenItsCriticalAlertFiredBeforeTheRestart(LocalKafka kafka) throws Exception {
        String topic = kafka.uniqueTopicName("alerts");
        kafka.createTopic(topic, 1);
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            SinkConfig config = TestSinks.config(kafka, topic).withReceivers(
                    List.of(new WebhookConfig("team", receiver.url("/hook"))), Map.of(), List.of("team"));
            try (AlertSink first = AlertSink.start(config)) {
                AlertsTopic.produce(kafka, topic, Alerts.firing("fp-crit", "shop", "critical"));
                await().atMost(PATIENCE).until(() -> receiver.requests().size() == 1);
            }
            try (AlertSink second = AlertSink.start(config)) {
                AlertsTopic.produce(kafka, topic, Alerts.firing("fp-high", "shop", "high"), Alerts.firing("fp-cart", "cart", "high"));
                await().atMost(PATIENCE).until(() -> receiver.requests().size() >= 2);
            }
            assertThat(receiver.requests()).extracting(r -> r.json().at("/alerts/0/fingerprint").asText())
                    .containsExactly("fp-crit", "fp-cart");
        }
    }
}
