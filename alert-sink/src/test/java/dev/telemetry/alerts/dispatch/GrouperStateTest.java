package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.nflog.GroupSlice;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.events.derived.AlertEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The group state a {@link Grouper} records at each notification, and a new one restored from it (issue 13). */
class GrouperStateTest {

    private static final TopicPartition P0 = new TopicPartition("alerts", 0);
    private static final TopicPartition P1 = new TopicPartition("alerts", 1);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofMinutes(5);
    private static final Duration REPEAT = Duration.ofHours(4);
    private static final Grouping GROUPING = new Grouping(List.of("alertname", "app"), WAIT, INTERVAL, REPEAT, true);
    private static final Instant T0 = Instant.parse("2024-05-01T10:10:00Z");

    private final InMemoryJournal journal = new InMemoryJournal();
    private long offset;

    private PendingAlert pending(TopicPartition partition, AlertEvent alert) {
        return PendingAlert.deliver(partition, offset++, alert, List.<Notifier>of());
    }

    @Test
    void shouldRecordOneSlicePerPartitionWithTheNotifiedAlertsAndTheirTimesWhenTheGroupIsNotified() {
        Grouper grouper = new Grouper("team", GROUPING, journal);
        grouper.add(Alerts.firing("fp-1", List.of()), pending(P0, Alerts.firing("fp-1", List.of())), T0);
        grouper.add(Alerts.firing("fp-2", List.of()), pending(P1, Alerts.firing("fp-2", List.of())), T0);
        assertThat(journal.groupState()).as("nothing before the group is notified").isEmpty();

        assertThat(grouper.due(T0.plus(WAIT))).hasSize(1);

        assertThat(journal.groupState().values()).extracting(GroupSlice::partition).containsExactlyInAnyOrder(0, 1);
        GroupSlice slice = journal.groupState().values().stream().filter(s -> s.partition() == 0).findFirst().orElseThrow();
        assertThat(slice.receiver()).isEqualTo("team");
        assertThat(slice.labels()).containsEntry("alertname", "HighErrorRate").containsEntry("app", "shop");
        assertThat(slice.alerts()).extracting(AlertEvent::fingerprint).containsExactly("fp-1");
        assertThat(slice.lastFlush()).isEqualTo(T0.plus(WAIT));
        assertThat(slice.nextFlush()).isEqualTo(T0.plus(WAIT).plus(INTERVAL));
        assertThat(slice.key()).isEqualTo(GroupSlice.key("team", 0, slice.group()));
    }

    @Test
    void shouldRepeatAtLastFlushPlusRepeatIntervalWhenRestoredAfterARestart() {
        Grouper before = new Grouper("team", GROUPING, journal);
        before.add(Alerts.firing("fp-1", List.of()), pending(P0, Alerts.firing("fp-1", List.of())), T0);
        Instant flushed = T0.plus(WAIT);
        before.due(flushed);

        Grouper after = new Grouper("team", GROUPING, journal);
        after.restore(journal.groups());
        new Grouper("other", GROUPING, journal).restore(journal.groups());

        assertThat(after.nextDue()).contains(flushed.plus(REPEAT));
        assertThat(after.due(flushed.plus(REPEAT).minusSeconds(1))).isEmpty();
        List<Grouper.Flush> repeat = after.due(flushed.plus(REPEAT));
        assertThat(repeat).singleElement().satisfies(flush -> {
            assertThat(flush.repeat()).isTrue();
            assertThat(flush.notification().alerts()).extracting(AlertEvent::fingerprint).containsExactly("fp-1");
        });
        assertThat(journal.groupState().values()).singleElement()
                .satisfies(slice -> assertThat(slice.lastFlush()).isEqualTo(flushed.plus(REPEAT)));
    }

    @Test
    void shouldIgnoreSlicesOfOtherReceivers() {
        Grouper before = new Grouper("team", GROUPING, journal);
        before.add(Alerts.firing("fp-1", List.of()), pending(P0, Alerts.firing("fp-1", List.of())), T0);
        before.due(T0.plus(WAIT));

        Grouper other = new Grouper("other", GROUPING, journal);
        other.restore(journal.groups());

        assertThat(other.nextDue()).isEmpty();
    }

    @Test
    void shouldTombstoneTheSliceWhenItsAlertsResolvedAndTheResolutionWasSent() {
        Grouper grouper = new Grouper("team", GROUPING, journal);
        grouper.add(Alerts.firing("fp-1", List.of()), pending(P0, Alerts.firing("fp-1", List.of())), T0);
        grouper.due(T0.plus(WAIT));
        grouper.add(Alerts.resolved("fp-1", List.of()), pending(P0, Alerts.resolved("fp-1", List.of())), T0.plus(WAIT));

        assertThat(grouper.due(T0.plus(WAIT).plus(INTERVAL))).singleElement()
                .satisfies(flush -> assertThat(flush.notification().alerts()).extracting(AlertEvent::status)
                        .containsExactly(dev.telemetry.events.derived.AlertStatus.RESOLVED));

        assertThat(journal.groupState()).isEmpty();
        Grouper after = new Grouper("team", GROUPING, journal);
        after.restore(journal.groups());
        assertThat(after.nextDue()).as("nothing left to repeat").isEmpty();
    }

    @Test
    void shouldStopRepeatingAlertsOfRevokedPartitionsAndLeaveTheirStateToTheNewOwner() {
        Grouper grouper = new Grouper("team", GROUPING, journal);
        grouper.add(Alerts.firing("fp-1", List.of()), pending(P0, Alerts.firing("fp-1", List.of())), T0);
        grouper.add(Alerts.firing("fp-2", List.of()), pending(P1, Alerts.firing("fp-2", List.of())), T0);
        Instant flushed = T0.plus(WAIT);
        grouper.due(flushed);

        grouper.forget(List.of(P1));

        List<Grouper.Flush> repeat = grouper.due(flushed.plus(REPEAT));
        assertThat(repeat).singleElement().satisfies(flush ->
                assertThat(flush.notification().alerts()).extracting(AlertEvent::fingerprint).containsExactly("fp-1"));
        assertThat(journal.groupState().values()).as("P1's slice is kept for its new owner")
                .extracting(GroupSlice::partition).containsExactlyInAnyOrder(0, 1);
        Grouper newOwner = new Grouper("team", GROUPING, journal);
        newOwner.restore(journal.groups().stream().filter(s -> s.partition() == 1).toList());
        assertThat(newOwner.nextDue()).isEqualTo(Optional.of(flushed.plus(REPEAT)));
    }
}
