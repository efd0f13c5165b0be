package dev.telemetry.console.overview;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The processor's lag from its committed offsets and the end offsets. */
class ProcessorLagTest {

    private static final Instant AT = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void shouldSumTheLagPerTopicMostBehindFirstAndMarkRepartitionTopics() {
        TopicPartition vitals0 = new TopicPartition("telemetry.vitals", 0);
        TopicPartition vitals1 = new TopicPartition("telemetry.vitals", 1);
        TopicPartition requests0 = new TopicPartition("telemetry.requests", 0);
        TopicPartition repartition = new TopicPartition("telemetry-processor-app-error-rate-repartition", 0);
        TopicPartition gone = new TopicPartition("telemetry.old", 0);
        Map<TopicPartition, Long> committed = Map.of(vitals0, 10L, vitals1, 5L, requests0, 100L, repartition, 7L, gone, 3L);
        // requests: the end read before the commit that passed it; gone: no end offset any more.
        Map<TopicPartition, Long> end = Map.of(vitals0, 12L, vitals1, 9L, requests0, 99L, repartition, 8L);

        ProcessorLag lag = ProcessorLag.of("telemetry-processor", AT, committed, end);

        assertThat(lag.total()).isEqualTo(7);
        assertThat(lag.committedPartitions()).isEqualTo(5);
        assertThat(lag.topics()).containsExactly(
                new ProcessorLag.TopicLag("telemetry.vitals", 6, 2, false),
                new ProcessorLag.TopicLag("telemetry-processor-app-error-rate-repartition", 1, 1, true),
                new ProcessorLag.TopicLag("telemetry.requests", 0, 1, false));
        assertThat(lag.error()).isNull();

        ProcessorLag failed = lag.failed("Kafka did not answer in time");
        assertThat(failed.total()).isEqualTo(7);
        assertThat(failed.error()).isEqualTo("Kafka did not answer in time");
    }

    @Test
    void shouldSayWhenTheGroupNeverCommitted() {
        ProcessorLag lag = ProcessorLag.of("telemetry-processor", AT, Map.of(), Map.of(new TopicPartition("t", 0), 4L));
        assertThat(lag.total()).isZero();
        assertThat(lag.committedPartitions()).isZero();
        assertThat(lag.topics()).isEmpty();
        assertThat(ProcessorLag.none("g").sampledAt()).isNull();
    }
}
