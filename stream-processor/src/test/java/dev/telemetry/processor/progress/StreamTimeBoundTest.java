package dev.telemetry.processor.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How far stream time may close windows: the lowest highest-read time of the partitions not fetched to their end
 * ({@link KafkaReadProgress#lowestUnfinished}), and the stream thread's own consumer that says which those are
 * ({@link MainConsumers}), on a real broker.
 */
@ExtendWith(LocalKafkaExtension.class)
class StreamTimeBoundTest {

    private static final TopicPartition DENSE = new TopicPartition("metrics", 0);
    private static final TopicPartition SPARSE = new TopicPartition("security", 0);
    private static final TopicPartition QUIET = new TopicPartition("feedback", 0);

    @Test
    void shouldNotBoundStreamTimeWhenEveryPartitionIsFetchedToItsEnd() {
        long bound = KafkaReadProgress.lowestUnfinished(List.of(DENSE, SPARSE, QUIET), p -> OptionalLong.of(0),
                Map.of(DENSE, 5_000L, SPARSE, 90_000L)::get);

        assertThat(bound).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldBoundStreamTimeAtTheLowestReadTimeOfThePartitionsStillBeingFetched() {
        Map<TopicPartition, OptionalLong> lags = Map.of(DENSE, OptionalLong.of(40_000), SPARSE, OptionalLong.of(0),
                QUIET, OptionalLong.empty());
        Map<TopicPartition, Long> highest = Map.of(DENSE, 5_000L, SPARSE, 90_000L, QUIET, 7_000L);

        assertThat(KafkaReadProgress.lowestUnfinished(List.of(DENSE, SPARSE, QUIET), lags::get, highest::get))
                .as("the dense partition is behind; the quiet one was never fetched, so nothing is known of it")
                .isEqualTo(5_000L);
    }

    @Test
    void shouldAnswerEachStreamThreadWithItsOwnConsumersFetchedLag(LocalKafka kafka, @TempDir Path stateDir)
            throws Exception {
        String topic = kafka.uniqueTopicName("bound-lag");
        kafka.createTopic(topic, 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k", "v" + i));
            }
        }
        MainConsumers consumers = new MainConsumers();
        AtomicReference<OptionalLong> seen = new AtomicReference<>();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.String(), Serdes.String()))
                .foreach((key, value) -> seen.set(consumers.fetchedLag(new TopicPartition(topic, 0))));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bound-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);

        try (KafkaStreams streams = new KafkaStreams(builder.build(), props, consumers)) {
            streams.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.get() != null);
        }

        assertThat(seen.get()).as("the stream thread found its consumer, which had fetched the partition to its end")
                .hasValue(0);
        assertThat(consumers.fetchedLag(new TopicPartition(topic, 0))).as("another thread has no consumer here")
                .isEmpty();
    }
}
