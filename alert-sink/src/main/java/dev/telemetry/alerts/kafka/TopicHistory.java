package dev.telemetry.alerts.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from its beginning to the end it had when called, without a consumer group: how a
 * restarted sink relearns which alerts fire (for inhibition) before it consumes new ones.
 */
public final class TopicHistory {

    private TopicHistory() {
    }

    /** Hands every record value (null values skipped) to {@code sink}, in order per partition; false if given up. */
    public static boolean replay(String bootstrapServers, String topic, Consumer<byte[]> sink, BooleanSupplier giveUp) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty()) {
                if (giveUp.getAsBoolean()) {
                    return false;
                }
                try {
                    for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(5))) {
                        partitions.add(new TopicPartition(topic, info.partition()));
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // broker not reachable yet: keep asking until told to give up
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (giveUp.getAsBoolean()) {
                    return false;
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null && record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        sink.accept(record.value());
                    }
                }
            }
            return true;
        }
    }
}
