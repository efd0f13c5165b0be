package dev.telemetry.processor.progress;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;

/**
 * Kafka Streams' clients, made as Kafka Streams makes them, with each stream thread's main consumer kept so that
 * the thread can ask it how far each of its partitions has been fetched ({@link #fetchedLag}): the answer Kafka
 * Streams' own task idling uses, without its per-record cost (see {@link KafkaReadProgress#streamTimeBound}).
 *
 * <p>A main consumer's client id is its stream thread's name followed by {@code -consumer}; a thread finds its own
 * consumer by its name. Only the stream thread that owns a consumer may call it (consumers are single-threaded).
 * With the {@code streams} group protocol Kafka Streams makes its main consumer itself; then none is known here and
 * callers fall back to what the broker says ({@link KafkaReadProgress}).
 */
public final class MainConsumers implements KafkaClientSupplier {

    private static final String MAIN_CONSUMER_SUFFIX = "-consumer";

    private final Map<String, Consumer<byte[], byte[]>> byThread = new ConcurrentHashMap<>();

    @Override
    public Admin getAdmin(Map<String, Object> config) {
        return Admin.create(config);
    }

    @Override
    public Producer<byte[], byte[]> getProducer(Map<String, Object> config) {
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public Consumer<byte[], byte[]> getConsumer(Map<String, Object> config) {
        Consumer<byte[], byte[]> consumer = bytesConsumer(config);
        Object clientId = config.get(CommonClientConfigs.CLIENT_ID_CONFIG);
        if (clientId instanceof String id && id.endsWith(MAIN_CONSUMER_SUFFIX)) {
            // A replaced stream thread gets a new name (its index), so an entry is never overwritten by a live one.
            byThread.put(id.substring(0, id.length() - MAIN_CONSUMER_SUFFIX.length()), consumer);
        }
        return consumer;
    }

    @Override
    public Consumer<byte[], byte[]> getRestoreConsumer(Map<String, Object> config) {
        return bytesConsumer(config);
    }

    @Override
    public Consumer<byte[], byte[]> getGlobalConsumer(Map<String, Object> config) {
        return bytesConsumer(config);
    }

    private static Consumer<byte[], byte[]> bytesConsumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Whether the calling thread is a stream thread whose main consumer is known here. */
    public boolean knowsCurrentThread() {
        return byThread.containsKey(Thread.currentThread().getName());
    }

    /**
     * Records appended to {@code partition} that the calling stream thread's consumer has not fetched yet, as of its
     * last fetch; empty when not known (no consumer for this thread, the partition not assigned to it, or no fetch
     * yet).
     */
    public OptionalLong fetchedLag(TopicPartition partition) {
        Consumer<byte[], byte[]> consumer = byThread.get(Thread.currentThread().getName());
        if (consumer == null) {
            return OptionalLong.empty();
        }
        try {
            return consumer.currentLag(partition);
        } catch (IllegalStateException notAssigned) {
            // Revoked in a rebalance this thread has not finished yet: nothing is known of it any more.
            return OptionalLong.empty();
        }
    }

    /** The partitions assigned to the calling stream thread's consumer; empty when it is not known here. */
    public Set<TopicPartition> assignment() {
        Consumer<byte[], byte[]> consumer = byThread.get(Thread.currentThread().getName());
        return consumer == null ? Set.of() : consumer.assignment();
    }
}
