package dev.telemetry.console.overview;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the stream processor is behind: per topic, the records between its consumer group's committed offsets
 * (the processor's application id is its group) and the topics' end offsets. Its own repartition topics
 * ({@code <application id>-...}) are marked internal: records it wrote to itself and has not read back yet.
 *
 * @param committedPartitions partitions with a committed offset; zero when the group is unknown (the processor
 *                            never committed: not started, or another application id)
 * @param error               why the last sample failed (the numbers are then the previous sample's), null if it did not
 */
public record ProcessorLag(String group, Instant sampledAt, long total, int committedPartitions, List<TopicLag> topics,
                           String error) {

    /** One topic's lag, summed over its partitions. */
    public record TopicLag(String topic, long lag, int partitions, boolean internal) {
    }

    public ProcessorLag {
        topics = List.copyOf(topics);
    }

    /** Not sampled yet. */
    public static ProcessorLag none(String group) {
        return new ProcessorLag(group, null, 0, 0, List.of(), null);
    }

    /**
     * The lag from committed and end offsets; a partition without an end offset is left out, a committed offset
     * beyond the end (end read before the commit) counts as zero lag.
     */
    public static ProcessorLag of(String group, Instant at, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> end) {
        Map<String, long[]> perTopic = new TreeMap<>();
        long total = 0;
        for (Map.Entry<TopicPartition, Long> c : committed.entrySet()) {
            Long e = end.get(c.getKey());
            if (e == null || c.getValue() == null) {
                continue;
            }
            long lag = Math.max(0, e - c.getValue());
            long[] t = perTopic.computeIfAbsent(c.getKey().topic(), k -> new long[2]);
            t[0] += lag;
            t[1]++;
            total += lag;
        }
        List<TopicLag> topics = new ArrayList<>(perTopic.size());
        perTopic.forEach((topic, t) -> topics.add(new TopicLag(topic, t[0], (int) t[1], topic.startsWith(group + "-"))));
        // Most behind first; the page shows the top of the list.
        topics.sort((a, b) -> Long.compare(b.lag(), a.lag()));
        return new ProcessorLag(group, at, total, committed.size(), topics, null);
    }

    /** The same numbers, marked as not refreshed because of {@code why}. */
    public ProcessorLag failed(String why) {
        return new ProcessorLag(group, sampledAt, total, committedPartitions, topics, why);
    }
}
