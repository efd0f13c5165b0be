package dev.telemetry.alerts.nflog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The notification log on a real broker: what an earlier run wrote is known after a restart, old entries are tombstoned. */
@ExtendWith(LocalKafkaExtension.class)
class KafkaJournalTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void shouldKnowRecentDeliveriesAndTombstoneExpiredOnesWhenOpenedOnAnExistingLog(LocalKafka kafka) throws Exception {
        String name = kafka.uniqueTopicName("nflog");
        kafka.createTopic(name, 1, Topic.NOTIFICATION_LOG.creationConfigs());
        TopicCatalogue topics = TopicCatalogue.withOverrides(Map.of("notification-log", name, "group-state",
                kafka.uniqueTopicName("group-state")));
        NotificationLogEntry recent = new NotificationLogEntry("team", "fp-1:firing:x", "fp-1", "firing", NOW.minus(Duration.ofHours(1)));
        NotificationLogEntry old = new NotificationLogEntry("team", "fp-0:firing:x", "fp-0", "firing", NOW.minus(Duration.ofDays(6)));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            for (NotificationLogEntry entry : List.of(recent, old)) {
                producer.send(new ProducerRecord<>(name, entry.key(), JsonCodec.standard().write(entry))).get();
            }
        }

        try (KafkaJournal journal = KafkaJournal.open(kafka.bootstrapServers(), topics, Clock.fixed(NOW, ZoneOffset.UTC))) {
            assertThat(journal.awaitReady(() -> false)).isTrue();

            assertThat(journal.delivered("team", "fp-1:firing:x")).isTrue();
            assertThat(journal.delivered("other", "fp-1:firing:x")).isFalse();
            assertThat(journal.delivered("team", "fp-0:firing:x")).as("older than the retention").isFalse();
            journal.flush();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> read(kafka, name).contains("team/fp-0:firing:x=null"));
    }

    @Test
    void shouldReadBackGroupSlicesAndFiringAlertsWithoutTheTombstonedOnesWhenReopened(LocalKafka kafka) throws Exception {
        String state = kafka.uniqueTopicName("group-state");
        kafka.createTopic(state, 1, Topic.GROUP_STATE.creationConfigs());
        TopicCatalogue topics = TopicCatalogue.withOverrides(Map.of("notification-log", kafka.uniqueTopicName("nflog"),
                "group-state", state));
        dev.telemetry.events.derived.AlertEvent firing = dev.telemetry.alerts.testing.Alerts.firing("fp-1", List.of("#alerts"));
        GroupSlice slice = new GroupSlice("team", "{alertname=\"HighErrorRate\"}", "{}:{alertname=\"HighErrorRate\"}",
                Map.of("alertname", "HighErrorRate"), 2, List.of(firing), NOW, NOW.plus(Duration.ofMinutes(5)));
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        try (KafkaJournal journal = KafkaJournal.open(kafka.bootstrapServers(), topics, clock)) {
            assertThat(journal.awaitReady(() -> false)).isTrue();
            journal.group(slice.key(), slice);
            journal.group(GroupSlice.key("team", 0, "gone"), slice);
            journal.group(GroupSlice.key("team", 0, "gone"), null);
            journal.firing("fp-1", firing);
            journal.firing("fp-2", dev.telemetry.alerts.testing.Alerts.firing("fp-2", List.of()));
            journal.firing("fp-2", null);
            journal.flush();
        }

        try (KafkaJournal reopened = KafkaJournal.open(kafka.bootstrapServers(), topics, clock)) {
            assertThat(reopened.awaitReady(() -> false)).isTrue();

            assertThat(reopened.groups()).containsExactly(slice);
            assertThat(reopened.firing()).containsExactly(firing);
        }
        assertThat(read(kafka, state)).contains("firing/fp-2=null", "group/team/0/gone=null");
    }

    private static List<String> read(LocalKafka kafka, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            List<String> records = new ArrayList<>();
            while (consumer.position(p) < end) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records.add(record.key() + "=" + (record.value() == null ? "null" : "value"));
                }
            }
            return records;
        }
    }
}
