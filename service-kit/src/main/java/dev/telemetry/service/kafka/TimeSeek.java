package dev.telemetry.service.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the records appended since a time start, per partition, and where they end now: the one lookup behind every
 * reader of history (the console's read models, the auditor, the rule lab's backtest, the SLO backfill).
 */
public final class TimeSeek {

    private TimeSeek() {
    }

    /**
     * Per partition, the offset of the first record appended at or after the time, and the end offset when it was
     * looked up; a partition with no such record starts at its end (nothing to read).
     */
    public record Range(Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends) {

        public Range {
            starts = Map.copyOf(starts);
            ends = Map.copyOf(ends);
        }

        /** Records between the starts and the ends, over all partitions. */
        public long toRead() {
            long total = 0;
            for (Map.Entry<TopicPartition, Long> e : starts.entrySet()) {
                total += ends.get(e.getKey()) - e.getValue();
            }
            return total;
        }

        /** Whether {@code partition} has records to read. */
        public boolean hasRecords(TopicPartition partition) {
            return starts.get(partition) < ends.get(partition);
        }
    }

    /**
     * Looks the range up. The end offsets come first: a record written between the two lookups is then either found
     * by the timestamp lookup or lies past the end. The other order skipped it (no record yet by timestamp, then an
     * end already past it), and a reader judged a window without it.
     *
     * @param from times before the epoch count as the epoch (the broker refuses negative ones)
     * @throws org.apache.kafka.common.errors.TimeoutException when the broker does not answer within {@code timeout}
     */
    public static Range of(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Instant from,
                           Duration timeout) {
        Map<TopicPartition, Long> ends = new HashMap<>(consumer.endOffsets(partitions, timeout));
        Map<TopicPartition, Long> times = new HashMap<>();
        long at = Math.max(0, from.toEpochMilli());
        partitions.forEach(p -> times.put(p, at));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(times, timeout);
        Map<TopicPartition, Long> starts = new HashMap<>();
        for (TopicPartition p : partitions) {
            long end = ends.getOrDefault(p, 0L);
            ends.put(p, end);
            OffsetAndTimestamp first = found.get(p);
            starts.put(p, first == null ? end : first.offset());
        }
        return new Range(starts, ends);
    }

    /** As {@link #of}, and seeks {@code consumer}, which has the partitions assigned, to the starts. */
    public static Range seek(Consumer<?, ?> consumer, Collection<TopicPartition> partitions, Instant from,
                             Duration timeout) {
        Range range = of(consumer, partitions, from, timeout);
        range.starts().forEach(consumer::seek);
        return range;
    }
}
