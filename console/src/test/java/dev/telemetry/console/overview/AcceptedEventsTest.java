package dev.telemetry.console.overview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Events accepted per minute and type, from samples of the raw topics' end offsets. */
class AcceptedEventsTest {

    private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

    @Test
    void shouldCountTheHistoryFromTheOffsetsAtEachBucketStartAndTheEndOffsetsNow() {
        AcceptedEvents accepted = new AcceptedEvents(Duration.ofMinutes(1), 5);
        TreeMap<Instant, Map<String, Long>> history = new TreeMap<>();
        history.put(T0.minusSeconds(240), Map.of("vitals", 0L, "requests", 10L));
        history.put(T0.minusSeconds(180), Map.of("vitals", 0L, "requests", 10L));
        history.put(T0.minusSeconds(120), Map.of("vitals", 4L, "requests", 12L));
        history.put(T0.minusSeconds(60), Map.of("vitals", 9L, "requests", 12L));
        history.put(T0, Map.of("vitals", 9L, "requests", 20L));

        accepted.start(T0.plusSeconds(30), Map.of("vitals", 10L, "requests", 25L), history);

        List<AcceptedEvents.Bucket> buckets = accepted.buckets(T0.plusSeconds(30));
        assertThat(buckets).extracting(AcceptedEvents.Bucket::start)
                .containsExactly(T0.minusSeconds(240), T0.minusSeconds(180), T0.minusSeconds(120), T0.minusSeconds(60), T0);
        assertThat(buckets).extracting(AcceptedEvents.Bucket::total).containsExactly(0L, 6L, 5L, 8L, 6L);
        assertThat(buckets.get(1).byType()).containsOnly(Map.entry("vitals", 4L), Map.entry("requests", 2L));
        assertThat(buckets.get(4).byType()).containsOnly(Map.entry("vitals", 1L), Map.entry("requests", 5L));
        assertThat(accepted.started()).isTrue();
    }

    @Test
    void shouldCountTheGrowthBetweenSamplesInTheLaterSamplesBucket() {
        AcceptedEvents accepted = new AcceptedEvents(Duration.ofMinutes(1), 60);
        accepted.start(T0, Map.of("vitals", 100L), new TreeMap<>());

        assertThat(accepted.sample(T0.plusSeconds(5), Map.of("vitals", 100L))).as("nothing new").isFalse();
        assertThat(accepted.sample(T0.plusSeconds(10), Map.of("vitals", 103L))).isTrue();
        assertThat(accepted.sample(T0.plusSeconds(65), Map.of("vitals", 110L, "errors", 7L))).isTrue();
        // errors appeared (its topic was created): a baseline, not 7 events.
        assertThat(accepted.sample(T0.plusSeconds(70), Map.of("vitals", 111L, "errors", 9L))).isTrue();

        List<AcceptedEvents.Bucket> buckets = accepted.buckets(T0.plusSeconds(70));
        AcceptedEvents.Bucket first = buckets.get(buckets.size() - 2);
        AcceptedEvents.Bucket second = buckets.get(buckets.size() - 1);
        assertThat(first.start()).isEqualTo(T0);
        assertThat(first.total()).isEqualTo(3);
        assertThat(second.start()).isEqualTo(T0.plusSeconds(60));
        assertThat(second.byType()).containsOnly(Map.entry("vitals", 8L), Map.entry("errors", 2L));
        assertThat(buckets).as("the whole hour, quiet minutes as zero").hasSize(60);
    }

    @Test
    void shouldTakeOffsetsThatWentBackAsANewBaseline() {
        AcceptedEvents accepted = new AcceptedEvents(Duration.ofMinutes(1), 10);
        accepted.start(T0, Map.of("vitals", 500L), new TreeMap<>());
        assertThat(accepted.sample(T0.plusSeconds(5), Map.of("vitals", 2L))).as("topic recreated").isFalse();
        assertThat(accepted.sample(T0.plusSeconds(10), Map.of("vitals", 5L))).isTrue();
        assertThat(accepted.buckets(T0.plusSeconds(10)).get(9).total()).isEqualTo(3);
    }

    @Test
    void shouldKeepOnlyTheNewestBuckets() {
        AcceptedEvents accepted = new AcceptedEvents(Duration.ofMinutes(1), 3);
        accepted.start(T0, Map.of("vitals", 0L), new TreeMap<>());
        for (int minute = 1; minute <= 10; minute++) {
            accepted.sample(T0.plusSeconds(60L * minute), Map.of("vitals", (long) minute * 10));
        }
        List<AcceptedEvents.Bucket> buckets = accepted.buckets(T0.plusSeconds(600));
        assertThat(buckets).extracting(AcceptedEvents.Bucket::start)
                .containsExactly(T0.plusSeconds(480), T0.plusSeconds(540), T0.plusSeconds(600));
        assertThat(buckets).extracting(AcceptedEvents.Bucket::total).containsExactly(10L, 10L, 10L);
        assertThat(accepted.bucketStart(Instant.parse("2026-11-27T12:34:56.789Z"))).isEqualTo(Instant.parse("2026-11-27T12:34:00Z"));
        assertThatThrownBy(() -> new AcceptedEvents(Duration.ZERO, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
