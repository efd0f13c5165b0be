package dev.telemetry.processor.progress;

import dev.telemetry.processor.stage.ReadProgress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;

/**
 * The arithmetic of {@link KafkaReadProgress}, free of I/O so that it can be tested step by step.
 *
 * <p>Every round, the end offsets of all input partitions are noted with the wall-clock time they were asked at
 * ({@link #onEndOffsets}). Once the application's committed offset of a partition reaches a noted end offset
 * ({@link #onCommitted}), every record appended to it before that time has been processed and its results
 * committed: the partition is read up to that time. Committed offsets are what counts, not the consumer's
 * position: under exactly-once a record is done only when its transaction commits, and they are shared by every
 * instance of the application.
 *
 * <p>An internal (repartition) topic's records are written by the tasks reading its upstream topics. Its end
 * offsets are therefore noted together with how far all of the upstream had been read when they were asked for;
 * reading the internal partition up to that end means having processed everything derived from upstream records
 * appended before that time. {@link #onCommitted} must be called before {@link #onEndOffsets} within a round.
 */
final class ReadProgressTracker {

    /** An end offset noted at some time, and the time it stands for. */
    private record Noted(long endOffset, long readUpTo) {
    }

    private final TopologyInputs inputs;
    private final int maxNoted;
    private final Map<TopicPartition, Deque<Noted>> noted = new HashMap<>();
    private final Map<TopicPartition, Long> readUpTo = new HashMap<>();
    private Set<TopicPartition> partitions = Set.of();

    /** @param maxNoted end offsets kept per partition while waiting for the processor: older ones are dropped */
    ReadProgressTracker(TopologyInputs inputs, int maxNoted) {
        this.inputs = inputs;
        this.maxNoted = maxNoted;
    }

    /**
     * The application's offsets now: committed ones, or where reading starts (the log start) for partitions
     * without a commit yet.
     */
    void onCommitted(Map<TopicPartition, Long> consumedTo) {
        noted.forEach((partition, queue) -> {
            Long consumed = consumedTo.get(partition);
            if (consumed == null) {
                return;
            }
            Noted reached = null;
            while (!queue.isEmpty() && queue.peekFirst().endOffset() <= consumed) {
                reached = queue.pollFirst();
            }
            if (reached != null) {
                readUpTo.merge(partition, reached.readUpTo(), Math::max);
            }
        });
    }

    /** The end offsets (read_committed) of every input partition, asked at {@code now}. */
    void onEndOffsets(long now, Map<TopicPartition, Long> endOffsets) {
        partitions = Set.copyOf(endOffsets.keySet());
        endOffsets.forEach((partition, end) -> {
            long covers = inputs.isInternal(partition.topic()) ? upstreamReadUpTo(partition.topic()) : now;
            if (covers == ReadProgress.UNKNOWN) {
                return;
            }
            Deque<Noted> queue = noted.computeIfAbsent(partition, p -> new ArrayDeque<>());
            Noted last = queue.peekLast();
            if (last != null && last.endOffset() == end) {
                // Nothing appended since: the newer time stands for the same offset.
                queue.pollLast();
            }
            queue.addLast(new Noted(end, covers));
            while (queue.size() > maxNoted) {
                queue.pollFirst();
            }
        });
    }

    private long upstreamReadUpTo(String internalTopic) {
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (TopicPartition partition : partitions) {
            if (inputs.upstreamOfInternal().get(internalTopic).contains(partition.topic())) {
                min = Math.min(min, readUpTo.getOrDefault(partition, ReadProgress.UNKNOWN));
                any = true;
            }
        }
        return any ? min : ReadProgress.UNKNOWN;
    }

    /** How far each partition is read, for publishing to the stream threads. */
    Map<TopicPartition, Long> readUpTo() {
        Map<TopicPartition, Long> known = new HashMap<>();
        for (TopicPartition partition : partitions) {
            known.put(partition, readUpTo.getOrDefault(partition, ReadProgress.UNKNOWN));
        }
        return Map.copyOf(known);
    }

    /** How far {@code task} has read all its input, given {@link #readUpTo() published} per-partition times. */
    static long readUpTo(TopologyInputs inputs, Map<TopicPartition, Long> byPartition, TaskId task) {
        Set<String> topics = inputs.sourcesBySubtopology().get(task.subtopology());
        if (topics == null) {
            return ReadProgress.UNKNOWN;
        }
        long min = Long.MAX_VALUE;
        boolean any = false;
        for (String topic : topics) {
            Long time = byPartition.get(new TopicPartition(topic, task.partition()));
            if (time != null) {
                min = Math.min(min, time);
                any = true;
            } else if (!hasTopic(byPartition, topic)) {
                // A topic not seen at all yet (e.g. an internal topic still being created): nothing is known.
                return ReadProgress.UNKNOWN;
            }
            // Otherwise the topic has fewer partitions than the task number: this task reads none of it.
        }
        return any ? min : ReadProgress.UNKNOWN;
    }

    private static boolean hasTopic(Map<TopicPartition, Long> byPartition, String topic) {
        return byPartition.keySet().stream().anyMatch(partition -> partition.topic().equals(topic));
    }
}
