package dev.telemetry.processor.stage;

import java.util.function.ToLongFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;

/**
 * How far a task has read its input, in wall-clock time: the answer {@code T} means every record appended to the
 * task's input partitions before {@code T} has been processed (and, for a repartition topic, every record derived
 * from the raw records appended before {@code T}). The wall clock may close a window only up to this time: a
 * window closed while its events are still unread (broker outage, network partition, restart, rebalance, state
 * restoration, plain lag) would turn them into late events when they are finally read.
 *
 * <p>Stream threads call this from their punctuators; an implementation must be thread-safe and must not block.
 */
@FunctionalInterface
public interface ReadProgress {

    /** The answer while nothing is known yet, e.g. before the broker answered the first time. */
    long UNKNOWN = Long.MIN_VALUE;

    /** Epoch millis up to which {@code task} has read all its input; {@link #UNKNOWN} when not known. */
    long readUpTo(TaskId task);

    /**
     * The wall clock as far as {@code task}'s input has been read, {@code min(now, readUpTo)}: the "now" by which
     * anything may be declared final. {@link #UNKNOWN} while nothing is known.
     */
    default long wallClockReadUpTo(TaskId task, long now) {
        return Math.min(now, readUpTo(task));
    }

    /**
     * How many tasks share the input: the most partitions of any raw input topic (task {@code n} reads partition
     * {@code n} of each). An app's series are spread over all of them, so per-app limits are shared out over this
     * many tasks. 1 while not known yet.
     */
    default int tasks() {
        return 1;
    }

    /**
     * How far stream time may close {@code task}'s windows now: the lowest {@code highestTime} of the task's raw input
     * partitions that may still hold unprocessed records; {@link Long#MAX_VALUE} when none may. Called from the stream
     * thread, only when a record's time would close a window.
     *
     * <p>Kafka Streams runs with {@code max.task.idle.ms=-1} (see {@code StreamProcessor}): it hands a task records
     * in timestamp order among the partitions that have records buffered, but no longer waits for a partition whose
     * buffer ran dry while the broker still holds records for it. Catching up on a backlog, a sparse partition's
     * records (hours ahead) would otherwise move stream time past the windows of a dense partition still being
     * fetched, and its events would be dropped as late. A partition fetched to its end has nothing unread but what
     * is buffered, and buffered records come in timestamp order; one that is not may hold records from its highest
     * time read on (within the grace, as any partition's records may be out of order).
     *
     * @param highestTime the highest record time the task has read from a partition, {@link Long#MIN_VALUE} for
     *                    none yet
     */
    default long streamTimeBound(TaskId task, ToLongFunction<TopicPartition> highestTime) {
        return Long.MAX_VALUE;
    }

    /**
     * For a topology that processes each record synchronously as it is given ({@code TopologyTestDriver}): the
     * input is always read to the end, so the wall clock alone decides.
     */
    static ReadProgress alwaysCaughtUp() {
        return task -> Long.MAX_VALUE;
    }
}
