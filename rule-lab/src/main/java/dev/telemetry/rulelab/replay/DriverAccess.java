package dev.telemetry.rulelab.replay;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.internals.StreamTask;

/**
 * Drives a {@link TopologyTestDriver} record by record as its {@code pipeInput} and {@code advanceWallClockTime}
 * do, less two costs that are the driver's, not the processor's, and that were two thirds of a backtest's time:
 * <ul>
 *   <li>{@code pipeInput} checks the record's topic against every source topic of the topology taken as a regular
 *       expression (Kafka Streams 4.4 {@code TopologyTestDriver.validateSourceTopicNameRegexPattern}): eleven
 *       patterns compiled per record. A replay's topics are the topology's own: the check cannot fail.</li>
 *   <li>Both commit the task after every record and every clock step: every store of the topology flushed and
 *       checkpointed. A replay's stores are in memory without changelogs, its caches hold nothing
 *       ({@code statestore.cache.max.bytes} 0) and its outputs are captured as they are sent, so a commit changes
 *       nothing that a record's processing sees; here the task commits every {@value #COMMIT_INTERVAL} records (the
 *       in-memory stores stage writes until a commit) and before the stores are read from outside
 *       ({@link #commit()}).</li>
 * </ul>
 * Otherwise the steps are the driver's own, in its order (enqueue the record on its topic's partition; process
 * while the task can, punctuating by stream time and re-enqueueing what the topology wrote to its repartition
 * topics after each record; punctuate by the wall clock when it moves): its private methods and fields, found
 * reflectively, and the task's. If a Kafka upgrade changes them, {@link #fast()} is false and every call goes
 * through the driver's public methods, as before, only slower ({@code ReplayTest} fails so that the upgrade
 * notices, and shows both ways give the same outputs).
 */
final class DriverAccess {

    static final int COMMIT_INTERVAL = 1_000;

    private final TopologyTestDriver driver;
    private final Internals internals;
    private int uncommitted;

    /**
     * The driver's internals this needs; null when they could not be found. The two methods are called per record,
     * as method handles bound to the driver, without {@code Method.invoke}'s argument array and access checks (a
     * tenth of a replaying thread's samples in short runs; the JIT makes up most of it in long ones).
     */
    private record Internals(MethodHandle enqueue, MethodHandle capture, StreamTask task, Time time,
                             Map<String, TopicPartition> partitions) {
    }

    private DriverAccess(TopologyTestDriver driver, Internals internals) {
        this.driver = driver;
        this.internals = internals;
    }

    /** Fast if the driver's internals are as expected and {@code fast}; through the public methods otherwise. */
    @SuppressWarnings("unchecked")
    static DriverAccess of(TopologyTestDriver driver, boolean fast) {
        if (!fast) {
            return new DriverAccess(driver, null);
        }
        try {
            Method enqueue = TopologyTestDriver.class.getDeclaredMethod("enqueueTaskRecord", String.class,
                    TopicPartition.class, long.class, byte[].class, byte[].class, Headers.class);
            Method capture = TopologyTestDriver.class.getDeclaredMethod("captureOutputsAndReEnqueueInternalResults");
            Field task = TopologyTestDriver.class.getDeclaredField("task");
            Field time = TopologyTestDriver.class.getDeclaredField("mockWallClockTime");
            Field partitions = TopologyTestDriver.class.getDeclaredField("partitionsByInputTopic");
            for (var member : new java.lang.reflect.AccessibleObject[] {enqueue, capture, task, time, partitions}) {
                member.setAccessible(true);
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle enqueueHandle = lookup.unreflect(enqueue).bindTo(driver).asType(MethodType.methodType(
                    void.class, String.class, TopicPartition.class, long.class, byte[].class, byte[].class, Headers.class));
            MethodHandle captureHandle = lookup.unreflect(capture).bindTo(driver)
                    .asType(MethodType.methodType(void.class));
            return new DriverAccess(driver, new Internals(enqueueHandle, captureHandle, (StreamTask) task.get(driver),
                    (Time) time.get(driver), (Map<String, TopicPartition>) partitions.get(driver)));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return new DriverAccess(driver, null);
        }
    }

    /** Whether records and clock steps skip the driver's per-record topic check and commit. */
    boolean fast() {
        return internals != null;
    }

    /** The record processed, as {@code input.pipeInput(key, value, timestamp)} processes it. */
    void pipe(TestInputTopic<byte[], byte[]> input, String topic, byte[] key, byte[] value, Instant timestamp) {
        TopicPartition partition = internals == null ? null : internals.partitions().get(topic);
        if (partition == null) {
            input.pipeInput(key, value, timestamp);
            return;
        }
        try {
            internals.enqueue().invokeExact(topic, partition, timestamp.toEpochMilli(), key, value,
                    (Headers) new RecordHeaders());
        } catch (Throwable t) {
            throw rethrown(t);
        }
        processQueued();
        if (++uncommitted >= COMMIT_INTERVAL) {
            commit();
        }
    }

    /** The wall clock moved on by {@code step}, as {@code driver.advanceWallClockTime(step)} moves it. */
    void advance(Duration step) {
        if (internals == null) {
            driver.advanceWallClockTime(step);
            return;
        }
        internals.time().sleep(step.toMillis());
        if (internals.task().maybePunctuateSystemTime()) {
            processQueued();
        }
    }

    /** Commits the task (the driver's own commit, through its public method): before reading its stores. */
    void commit() {
        uncommitted = 0;
        driver.advanceWallClockTime(Duration.ZERO);
    }

    /** As the driver's completeAllProcessableWork, less the commit after each record. */
    private void processQueued() {
        StreamTask task = internals.task();
        capture();
        while (task.hasRecordsQueued() && task.isProcessable(internals.time().milliseconds())) {
            task.process(internals.time().milliseconds());
            task.maybePunctuateStreamTime();
            capture();
        }
    }

    private void capture() {
        try {
            internals.capture().invokeExact();
        } catch (Throwable t) {
            throw rethrown(t);
        }
    }

    /** What the topology threw, as the driver's public methods would have thrown it. */
    private static RuntimeException rethrown(Throwable t) {
        if (t instanceof RuntimeException runtime) {
            return runtime;
        }
        if (t instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(t);
    }
}
