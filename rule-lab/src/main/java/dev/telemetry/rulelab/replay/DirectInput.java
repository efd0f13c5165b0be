package dev.telemetry.rulelab.replay;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * Raw records into a {@link TopologyTestDriver} without its per-record topic check. The driver's
 * {@code pipeInput} checks the record's topic against every source topic of the topology taken as a regular
 * expression (Kafka Streams 4.4 {@code TopologyTestDriver.validateSourceTopicNameRegexPattern}): it compiles eleven
 * patterns per record, a quarter of a backtest's time. A replay's topics are the topology's own, so the check
 * can never fail: the record goes straight to the driver's own next two steps, enqueue on the topic's partition and
 * process everything processable (private methods, found reflectively, the same calls {@code pipeInput} makes).
 *
 * <p>If a Kafka upgrade renames them, {@link #direct()} is false and records go through {@code pipeInput} as
 * before, only slower ({@code ReplayTest} says so, so that the upgrade notices).
 */
final class DirectInput {

    private final TopologyTestDriver driver;
    private final Method enqueue;
    private final Method process;
    private final Map<String, TopicPartition> partitions;

    private DirectInput(TopologyTestDriver driver, Method enqueue, Method process,
                        Map<String, TopicPartition> partitions) {
        this.driver = driver;
        this.enqueue = enqueue;
        this.process = process;
        this.partitions = partitions;
    }

    @SuppressWarnings("unchecked")
    static DirectInput of(TopologyTestDriver driver) {
        try {
            Method enqueue = TopologyTestDriver.class.getDeclaredMethod("enqueueTaskRecord", String.class,
                    TopicPartition.class, long.class, byte[].class, byte[].class, Headers.class);
            Method process = TopologyTestDriver.class.getDeclaredMethod("completeAllProcessableWork");
            Field partitions = TopologyTestDriver.class.getDeclaredField("partitionsByInputTopic");
            enqueue.setAccessible(true);
            process.setAccessible(true);
            partitions.setAccessible(true);
            return new DirectInput(driver, enqueue, process, (Map<String, TopicPartition>) partitions.get(driver));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new DirectInput(driver, null, null, Map.of());
        }
    }

    /** Whether records skip the topic check (false: the driver's internals changed, records take {@code pipeInput}). */
    boolean direct() {
        return enqueue != null;
    }

    /** The record processed, as {@code input.pipeInput(key, value, timestamp)} would. */
    void pipe(TestInputTopic<byte[], byte[]> input, String topic, byte[] key, byte[] value, Instant timestamp) {
        TopicPartition partition = enqueue == null ? null : partitions.get(topic);
        if (partition == null) {
            input.pipeInput(key, value, timestamp);
            return;
        }
        try {
            enqueue.invoke(driver, topic, partition, timestamp.toEpochMilli(), key, value, new RecordHeaders());
            process.invoke(driver);
        } catch (InvocationTargetException e) {
            // What the topology threw, as pipeInput would have thrown it.
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("TopologyTestDriver's internals cannot be called", e);
        }
    }
}
