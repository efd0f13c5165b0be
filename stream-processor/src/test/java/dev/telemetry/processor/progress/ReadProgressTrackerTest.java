package dev.telemetry.processor.progress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.processor.stage.ReadProgress;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/** The arithmetic behind "the input is read up to T", round by round, as {@link KafkaReadProgress} drives it. */
class ReadProgressTrackerTest {

    private static final TopicPartition METRICS_0 = new TopicPartition("metrics", 0);
    private static final TopicPartition METRICS_1 = new TopicPartition("metrics", 1);
    private static final TopicPartition REQUESTS_0 = new TopicPartition("requests", 0);
    private static final TopicPartition REPARTITION_0 = new TopicPartition("app-by-app-repartition", 0);
    private static final TaskId RAW_0 = new TaskId(0, 0);
    private static final TaskId RAW_1 = new TaskId(0, 1);
    private static final TaskId MERGED_0 = new TaskId(1, 0);

    /** Sub-topology 0 reads metrics (2 partitions) and requests (1), and writes the repartition topic that 1 reads. */
    private final TopologyInputs inputs = new TopologyInputs(
            Map.of(0, Set.of("metrics", "requests"), 1, Set.of("app-by-app-repartition")),
            Map.of("app-by-app-repartition", Set.of("metrics", "requests")));
    private final ReadProgressTracker tracker = new ReadProgressTracker(inputs, 600);

    @Test
    void shouldKnowNothingBeforeTheFirstCommittedOffsetsReachANotedEnd() {
        tracker.onCommitted(Map.of());
        tracker.onEndOffsets(1_000, Map.of(METRICS_0, 10L, METRICS_1, 0L, REQUESTS_0, 0L, REPARTITION_0, 0L));

        assertThat(readUpTo(RAW_0)).isEqualTo(ReadProgress.UNKNOWN);
    }

    @Test
    void shouldReportTheTimeAnEndWasNotedWhenTheCommittedOffsetReachesIt() {
        tracker.onCommitted(Map.of());
        tracker.onEndOffsets(1_000, Map.of(METRICS_0, 10L, METRICS_1, 5L, REQUESTS_0, 0L));
        tracker.onCommitted(Map.of(METRICS_0, 7L, METRICS_1, 5L, REQUESTS_0, 0L));
        tracker.onEndOffsets(2_000, Map.of(METRICS_0, 20L, METRICS_1, 5L, REQUESTS_0, 0L));

        assertThat(readUpTo(RAW_0)).as("metrics-0 is still short of 10").isEqualTo(ReadProgress.UNKNOWN);
        assertThat(readUpTo(RAW_1)).isEqualTo(1_000);

        tracker.onCommitted(Map.of(METRICS_0, 15L, METRICS_1, 5L, REQUESTS_0, 0L));
        tracker.onEndOffsets(3_000, Map.of(METRICS_0, 20L, METRICS_1, 5L, REQUESTS_0, 0L));
        assertThat(readUpTo(RAW_0)).isEqualTo(1_000);
        assertThat(readUpTo(RAW_1)).as("nothing appended since: read up to the newer time").isEqualTo(2_000);

        tracker.onCommitted(Map.of(METRICS_0, 20L, METRICS_1, 5L, REQUESTS_0, 0L));
        tracker.onEndOffsets(4_000, Map.of(METRICS_0, 20L, METRICS_1, 5L, REQUESTS_0, 0L));
        assertThat(readUpTo(RAW_0)).as("20 was the end at 2 s and still at 3 s").isEqualTo(3_000);
    }

    @Test
    void shouldStandStillWhenRoundsStopDuringAnOutage() {
        tracker.onCommitted(Map.of());
        tracker.onEndOffsets(1_000, Map.of(METRICS_0, 10L, METRICS_1, 0L, REQUESTS_0, 0L));
        tracker.onCommitted(Map.of(METRICS_0, 10L, METRICS_1, 0L, REQUESTS_0, 0L));
        long before = readUpTo(RAW_0);

        // No round completes while the broker is away; the next one after it sees the backlog the gateway wrote.
        tracker.onCommitted(Map.of(METRICS_0, 10L, METRICS_1, 0L, REQUESTS_0, 0L));
        tracker.onEndOffsets(60_000, Map.of(METRICS_0, 5_000L, METRICS_1, 0L, REQUESTS_0, 0L));
        tracker.onCommitted(Map.of(METRICS_0, 4_999L, METRICS_1, 0L, REQUESTS_0, 0L));

        assertThat(before).isEqualTo(1_000);
        assertThat(readUpTo(RAW_0)).as("one record of the backlog unread").isEqualTo(1_000);
    }

    @Test
    void shouldCoverRepartitionTopicOnlyAsFarAsEveryUpstreamPartitionWasReadBeforeItsEndWasNoted() {
        tracker.onCommitted(Map.of());
        tracker.onEndOffsets(1_000, Map.of(METRICS_0, 10L, METRICS_1, 10L, REQUESTS_0, 10L, REPARTITION_0, 0L));
        // Upstream read to 1 s on two partitions only: the repartition end noted now stands for nothing yet.
        tracker.onCommitted(Map.of(METRICS_0, 10L, METRICS_1, 10L, REQUESTS_0, 3L, REPARTITION_0, 0L));
        tracker.onEndOffsets(2_000, Map.of(METRICS_0, 10L, METRICS_1, 10L, REQUESTS_0, 10L, REPARTITION_0, 4L));
        tracker.onCommitted(Map.of(METRICS_0, 10L, METRICS_1, 10L, REQUESTS_0, 10L, REPARTITION_0, 4L));
        assertThat(readUpTo(MERGED_0)).isEqualTo(ReadProgress.UNKNOWN);

        // Every upstream partition read to 2 s: the repartition end noted after that covers 2 s once it is read.
        tracker.onEndOffsets(3_000, Map.of(METRICS_0, 10L, METRICS_1, 10L, REQUESTS_0, 10L, REPARTITION_0, 9L));
        tracker.onCommitted(Map.of(METRICS_0, 10L, METRICS_1, 10L, REQUESTS_0, 10L, REPARTITION_0, 8L));
        assertThat(readUpTo(MERGED_0)).as("one repartitioned record unread").isEqualTo(ReadProgress.UNKNOWN);
        tracker.onCommitted(Map.of(METRICS_0, 10L, METRICS_1, 10L, REQUESTS_0, 10L, REPARTITION_0, 9L));
        tracker.onEndOffsets(4_000, Map.of(METRICS_0, 10L, METRICS_1, 10L, REQUESTS_0, 10L, REPARTITION_0, 9L));

        assertThat(readUpTo(MERGED_0)).isEqualTo(2_000);
        assertThat(readUpTo(RAW_0)).isEqualTo(3_000);
    }

    @Test
    void shouldKnowNothingOfATaskWhoseTopicDoesNotExistYet() {
        tracker.onCommitted(Map.of());
        tracker.onEndOffsets(1_000, Map.of(METRICS_0, 0L, METRICS_1, 0L, REQUESTS_0, 0L));
        tracker.onCommitted(Map.of(METRICS_0, 0L, METRICS_1, 0L, REQUESTS_0, 0L));
        tracker.onEndOffsets(2_000, Map.of(METRICS_0, 0L, METRICS_1, 0L, REQUESTS_0, 0L));

        assertThat(readUpTo(MERGED_0)).isEqualTo(ReadProgress.UNKNOWN);
        assertThat(readUpTo(RAW_1)).as("requests has no partition 1: task 0_1 reads metrics-1 only").isEqualTo(1_000);
    }

    @Test
    void shouldKeepOnlyTheNewestNotedEndsWhenTheProcessorIsFarBehind() {
        ReadProgressTracker small = new ReadProgressTracker(inputs, 2);
        small.onCommitted(Map.of());
        for (int round = 1; round <= 5; round++) {
            small.onEndOffsets(round * 1_000L, Map.of(METRICS_0, round * 10L));
        }
        small.onCommitted(Map.of(METRICS_0, 30L));
        assertThat(small.readUpTo().get(METRICS_0)).as("ends of rounds 1-3 were dropped").isEqualTo(ReadProgress.UNKNOWN);
        small.onCommitted(Map.of(METRICS_0, 45L));
        assertThat(small.readUpTo().get(METRICS_0)).isEqualTo(4_000);
    }

    private long readUpTo(TaskId task) {
        return ReadProgressTracker.readUpTo(inputs, tracker.readUpTo(), task);
    }
}
