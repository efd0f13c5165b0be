package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.alerts.testing.ScriptedNotifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Offset tracking without a broker: only the settled prefix is committed, and nothing of a revoked partition. */
class OffsetsTest {

    private static final TopicPartition P0 = new TopicPartition("alerts", 0);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final InMemoryJournal journal = new InMemoryJournal();
    private final Offsets offsets = new Offsets(consumer, journal, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)));

    OffsetsTest() {
        consumer.assign(List.of(P0));
    }

    private PendingAlert consumed(long offset) {
        PendingAlert pending = PendingAlert.deliver(P0, offset, Alerts.firing("fp-" + offset, List.of()),
                List.of(new ScriptedNotifier("team")));
        offsets.consumed(pending);
        return pending;
    }

    private Long committed() {
        OffsetAndMetadata offset = consumer.committed(Set.of(P0)).get(P0);
        return offset == null ? null : offset.offset();
    }

    @Test
    void shouldCommitOnlyTheSettledPrefixWhenALaterRecordSettlesFirst() {
        PendingAlert first = consumed(0);
        PendingAlert second = consumed(1);

        second.settled("team");
        offsets.commitSettled();
        assertThat(committed()).isNull();
        assertThat(offsets.backlog()).isEqualTo(2);

        first.settled("team");
        offsets.commitSettled();
        assertThat(committed()).isEqualTo(2L);
        assertThat(offsets.backlog()).isZero();
    }

    @Test
    void shouldHoldOffsetsBackAndCommitThemLaterWhenTheJournalCannotBeWrittenForAWhile() {
        consumed(0).settled("team");
        journal.brokerAway(true);

        offsets.commitSettled();
        assertThat(committed()).as("not past an unwritten notification log").isNull();
        assertThat(offsets.journalWritten()).isFalse();

        journal.brokerAway(false);
        // Retried once the test's 1 ms backoff has passed.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            offsets.commitSettled();
            assertThat(committed()).isEqualTo(1L);
        });
        assertThat(offsets.journalWritten()).isTrue();
    }

    @Test
    void shouldForgetTheRecordsOfARevokedPartitionWhenTheGroupRebalances() {
        consumed(0);
        List<TopicPartition> forgotten = new ArrayList<>();

        offsets.rebalanceListener(forgotten::addAll).onPartitionsRevoked(List.of(P0));

        assertThat(offsets.backlog()).isZero();
        assertThat(forgotten).containsExactly(P0);
        assertThat(consumer.committed(Set.of(P0))).isEqualTo(Map.of());
    }
}
