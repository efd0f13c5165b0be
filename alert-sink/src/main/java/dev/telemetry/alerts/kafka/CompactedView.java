package dev.telemetry.alerts.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest value per key of a compacted topic, read from the beginning and then tailed, so that
 * every sink instance, and every restart, sees what any instance wrote (notification log,
 * silences). No consumer group: every instance reads every partition. A tombstone removes the key.
 */
public final class CompactedView<V> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CompactedView.class);

    private final String topic;
    private final Function<byte[], V> decode;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, V> values = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean closing;

    public CompactedView(String bootstrapServers, String topic, Function<byte[], V> decode) {
        this.topic = topic;
        this.decode = decode;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "compacted-view-" + topic);
        this.thread.setDaemon(true);
    }

    /** Starts reading in the background; {@link #awaitCaughtUp} tells when the view is complete. */
    public CompactedView<V> start() {
        thread.start();
        return this;
    }

    /**
     * Waits until everything written before {@link #start()} is in the view, or {@code giveUp} says
     * to stop waiting (checked every 100 ms). Returns whether the view is complete.
     */
    public boolean awaitCaughtUp(java.util.function.BooleanSupplier giveUp) {
        try {
            while (!caughtUp.await(100, TimeUnit.MILLISECONDS)) {
                if (giveUp.getAsBoolean() || closing) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** True once the view holds everything written before {@link #start()}. */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty() && !closing) {
                // The broker may be unreachable or the topic not yet created: keep asking, as the consumer of alerts does.
                try {
                    for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(5))) {
                        partitions.add(new TopicPartition(topic, info.partition()));
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    LOG.warn("topic {} not readable yet: {}", topic, e.getMessage());
                }
            }
            if (closing) {
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (!closing) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
                if (caughtUp.getCount() > 0 && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("stopped reading {}: {}", topic, e.toString());
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            values.remove(record.key());
            return;
        }
        try {
            values.put(record.key(), decode.apply(record.value()));
        } catch (RuntimeException e) {
            LOG.warn("ignoring unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
        }
    }

    /** The value of {@code key}, or null. */
    public V get(String key) {
        return values.get(key);
    }

    public Collection<V> values() {
        return List.copyOf(values.values());
    }

    /** Sets {@code key} locally at once, ahead of this instance's own write coming back from the topic. */
    public void putLocal(String key, V value) {
        values.put(key, value);
    }

    /** Removes {@code key} locally at once, ahead of this instance's tombstone coming back from the topic. */
    public void removeLocal(String key) {
        values.remove(key);
    }

    @Override
    public void close() {
        closing = true;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
