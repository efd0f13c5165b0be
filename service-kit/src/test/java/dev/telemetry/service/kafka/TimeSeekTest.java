package dev.telemetry.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** On a real broker: where the records appended since a time start, per partition. */
@ExtendWith(LocalKafkaExtension.class)
class TimeSeekTest {

    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void shouldStartAtTheFirstRecordAtOrAfterTheTimeAndAtTheEndWhereThereIsNone(LocalKafka kafka) throws Exception {
        String topic = kafka.uniqueTopicName("time-seek");
        kafka.createTopic(topic, 3);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (int minute = 0; minute < 3; minute++) {
                producer.send(new ProducerRecord<>(topic, 0, T0.plus(Duration.ofMinutes(minute)).toEpochMilli(), "k",
                        "p0-" + minute)).get();
            }
            producer.send(new ProducerRecord<>(topic, 1, T0.toEpochMilli(), "k", "p1-0")).get();
        }
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        TopicPartition p2 = new TopicPartition(topic, 2);
        List<TopicPartition> all = List.of(p0, p1, p2);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TimeSeek.Range range = TimeSeek.of(consumer, all, T0.plusSeconds(30), TIMEOUT);

            assertThat(range.starts()).isEqualTo(Map.of(p0, 1L, p1, 1L, p2, 0L));
            assertThat(range.ends()).isEqualTo(Map.of(p0, 3L, p1, 1L, p2, 0L));
            assertThat(range.toRead()).isEqualTo(2);
            assertThat(range.hasRecords(p0)).isTrue();
            assertThat(range.hasRecords(p1)).isFalse();
            assertThat(range.hasRecords(p2)).isFalse();

            // Times before the epoch count as the epoch (the broker refuses negative ones): everything.
            assertThat(TimeSeek.of(consumer, all, Instant.EPOCH.minusSeconds(10), TIMEOUT).starts())
                    .isEqualTo(Map.of(p0, 0L, p1, 0L, p2, 0L));

            consumer.assign(all);
            TimeSeek.seek(consumer, all, T0.plus(Duration.ofMinutes(2)), TIMEOUT);
            assertThat(consumer.position(p0)).isEqualTo(2);
            assertThat(consumer.position(p1)).isEqualTo(1);
            assertThat(consumer.position(p2)).isEqualTo(0);
        }
    }
}
