package dev.telemetry.browser;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the gateway's raw topics from the beginning, as an analyst's consumer would: every record
 * value is the JSON envelope the gateway wrote, decoded with the pipeline's own codec. Not thread-safe:
 * poll it from the thread that created it.
 */
final class RawTopics implements AutoCloseable {

    /** One record as read: the topic it was on and its decoded envelope. */
    record Received(String topic, Envelope envelope) {
    }

    private static final JsonCodec CODEC = JsonCodec.standard();

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<Received> received = new ArrayList<>();

    RawTopics(String bootstrapServers, Collection<String> topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new ByteArrayDeserializer());
        // Assigned, not subscribed: no consumer group, no rebalance to wait for.
        List<TopicPartition> partitions = topics.stream()
                .flatMap(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream())
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what has arrived since the last call and returns everything read so far. */
    List<Received> poll() {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(250))) {
            try {
                received.add(new Received(record.topic(), CODEC.readEnvelope(record.value())));
            } catch (InvalidJsonException e) {
                throw new AssertionError("record " + record.topic() + "@" + record.offset() + " is not an envelope: " + e.getMessage(), e);
            }
        }
        return List.copyOf(received);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
