package dev.telemetry.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.AlertsTopic;
import dev.telemetry.alerts.testing.ChildSink;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import dev.telemetry.alerts.testing.TestSinks;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group and repeat state across a SIGKILL (issue 13): the sink runs in its own JVM and is killed
 * after notifying a group; the restarted sink repeats that group at its last notification plus
 * {@code repeat-interval} (not the restart plus it), delivers nothing twice, and inhibits with the
 * critical alert that fired before the kill although the alerts topic's history is gone: its records
 * are deleted ({@code deleteRecords}) before the restart, so only {@code telemetry.group-state} can tell.
 */
@ExtendWith(LocalKafkaExtension.class)
class GroupStateRestartIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Duration REPEAT = Duration.ofSeconds(20);
    /** How long after the notification the sink is restarted at the earliest: a repeat timed from the restart would be this late. */
    private static final Duration RESTART_GAP = Duration.ofSeconds(8);
    /** Scheduling slack on a shared 2-core machine. */
    private static final Duration MARGIN = Duration.ofSeconds(4);

    private record Arrival(String key, String fingerprints, Instant at) {
    }

    @Test
    void shouldRepeatOnTimeAndInhibitWithoutTheAlertsHistoryWhenRestartedAfterSigkill(LocalKafka kafka, @TempDir Path dir)
            throws Exception {
        String topic = kafka.uniqueTopicName("alerts");
        kafka.createTopic(topic, 1);
        List<Arrival> arrivals = new CopyOnWriteArrayList<>();
        try (RecordingReceiver receiver = new RecordingReceiver(request -> {
            arrivals.add(new Arrival(request.header("Idempotency-Key"), fingerprints(request), Instant.now()));
            return Reply.status(200);
        })) {
            SinkConfig config = TestSinks.config(kafka, topic);
            String stateTopic = config.topicCatalogue().name(Topic.GROUP_STATE);
            Path yaml = Files.writeString(dir.resolve("sink.yaml"), TestSinks.childYamlHead(config) + """
                    grouping: {group-by: [alertname, app], group-wait: 0s, group-interval: 1s, repeat-interval: %ds}
                    receivers:
                      - {name: team, type: webhook, url: "%s"}
                    default-receivers: [team]
                    """.formatted(REPEAT.toSeconds(), receiver.url("/hook")));
            AlertsTopic.produce(kafka, topic, Alerts.firing("fp-crit", "shop", "critical"));

            Process first = ChildSink.start(yaml, dir.resolve("first.log"));
            try {
                await().atMost(PATIENCE).until(() -> arrivals.size() == 1);
                // Delivered, journalled (state included) and committed: nothing is left to consume again after the kill.
                await().atMost(PATIENCE).until(() -> Long.valueOf(1).equals(committed(kafka, config.groupId(), topic)));
                assertThat(endOffset(kafka, stateTopic)).as("group state and the firing alert recorded").isPositive();
            } finally {
                first.destroyForcibly();
                assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            Instant notified = arrivals.get(0).at();

            // The alerts topic's history is gone: a restart that replayed it from offset 0 would learn nothing.
            deleteHistory(kafka, topic);
            // Not synchronisation: the restart must come late enough that "restart + repeat" and "notified + repeat" differ.
            await().pollDelay(Duration.ZERO).atMost(RESTART_GAP.plusSeconds(5))
                    .until(() -> Instant.now().isAfter(notified.plus(RESTART_GAP)));
            Instant restarted = Instant.now();
            Process second = ChildSink.start(yaml, dir.resolve("second.log"));
            try {
                AlertsTopic.produce(kafka, topic, Alerts.firing("fp-shop-high", "shop", "high"), Alerts.firing("fp-cart-high", "cart", "high"));
                await().atMost(PATIENCE).until(() -> arrivals.stream().anyMatch(a -> a.fingerprints().equals("fp-cart-high")));
                await().atMost(PATIENCE).until(() -> arrivals.stream().anyMatch(a -> a.key().contains(":repeat:")
                        && a.fingerprints().equals("fp-crit")));
            } finally {
                second.destroyForcibly();
                assertThat(second.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }

            Arrival repeat = arrivals.stream().filter(a -> a.key().contains(":repeat:") && a.fingerprints().equals("fp-crit"))
                    .findFirst().orElseThrow();
            assertThat(repeat.at()).as("the repeat comes at the notification + repeat-interval (%s), not the restart's (%s)",
                            notified.plus(REPEAT), restarted.plus(REPEAT))
                    .isAfter(notified.plus(REPEAT).minus(MARGIN))
                    .isBefore(restarted.plus(REPEAT).minus(MARGIN));
            assertThat(arrivals).extracting(Arrival::fingerprints).as("inhibited by the critical alert that fired before the kill")
                    .doesNotContain("fp-shop-high");
            assertThat(arrivals).extracting(Arrival::key).as("nothing delivered twice").doesNotHaveDuplicates();
            assertThat(arrivals.stream().filter(a -> !a.key().contains(":repeat:")).map(Arrival::fingerprints))
                    .containsExactly("fp-crit", "fp-cart-high");
        }
    }

    private static String fingerprints(RecordingReceiver.Request request) {
        List<String> fingerprints = new java.util.ArrayList<>();
        request.json().at("/alerts").forEach(alert -> fingerprints.add(alert.at("/fingerprint").asText()));
        return String.join(",", fingerprints);
    }

    private static Long committed(LocalKafka kafka, String groupId, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return offset == null ? null : offset.offset();
        }
    }

    private static long endOffset(LocalKafka kafka, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(p)).get(p);
        }
    }

    /** Deletes every record of the alerts topic so far; asserts the log now starts at its end. */
    private static void deleteHistory(LocalKafka kafka, String topic) throws Exception {
        TopicPartition p = new TopicPartition(topic, 0);
        long end = endOffset(kafka, topic);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteRecords(Map.of(p, RecordsToDelete.beforeOffset(end))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            assertThat(consumer.beginningOffsets(List.of(p)).get(p)).as("no history left").isEqualTo(end);
        }
    }
}
