package dev.telemetry.processor.window;

import dev.telemetry.processor.stage.ReadProgress;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Stream time for a windowed processor that reads straight from the raw partitions: moves its {@link WindowClock} to
 * each record's time, but past a window's close only as far as every partition that may still hold unread records
 * has been read ({@link ReadProgress#streamTimeBound}). The main aggregation and the vitals' top offenders use it, so
 * their windows close alike.
 */
public final class PartitionStreamTime {

    private final WindowClock clock;
    private final ReadProgress progress;
    private final TaskId task;
    /**
     * The highest record time read from each input topic's partition of the task (one partition per topic): a
     * one-element array, updated in place, per record.
     */
    private final Map<String, long[]> highestReadByTopic = new HashMap<>();

    public PartitionStreamTime(WindowClock clock, ReadProgress progress, TaskId task) {
        this.clock = clock;
        this.progress = progress;
        this.task = task;
    }

    /** A record of {@code time} was read from the task's partition of {@code topic}. */
    public void noteRead(String topic, long time) {
        long[] highest = highestReadByTopic.get(topic);
        if (highest == null) {
            highestReadByTopic.put(topic, new long[] {time});
        } else if (time > highest[0]) {
            highest[0] = time;
        }
    }

    /**
     * Moves stream time to {@code time}, within the bound. Most records close nothing and skip the question of the
     * bound. True when the watermark moved.
     */
    public boolean advanceTo(long time) {
        if (time <= clock.watermark()) {
            return false;
        }
        if (time < clock.nextCloseAt()) {
            return clock.advanceTo(time);
        }
        return clock.advanceTo(Math.min(time, progress.streamTimeBound(task, this::highestRead)));
    }

    private long highestRead(TopicPartition partition) {
        long[] highest = highestReadByTopic.get(partition.topic());
        return highest == null ? Long.MIN_VALUE : highest[0];
    }
}
