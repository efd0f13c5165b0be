package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.model.Labels;
import dev.telemetry.alerts.nflog.GroupSlice;
import dev.telemetry.alerts.nflog.Journal;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One receiver's aggregation groups (Alertmanager's dispatcher): alerts join the group of their
 * {@code group_by} labels; a group is notified {@code group_wait} after it appears, then at most
 * every {@code group_interval} when it changed, and every {@code repeat_interval} while it has
 * firing alerts and nothing changed. Driven by the time it is given, so tests move a clock.
 * Each notification records the group's state in the journal, one {@link GroupSlice} per partition
 * of the alerts it holds; {@link #restore} takes them back when this member gets those partitions,
 * so after a restart or a rebalance a repeat comes at {@code lastFlush + repeat_interval}.
 * Touched by the loop thread only.
 */
final class Grouper {

    /**
     * A notification ready for the receiver's queue, with the records it settles once delivered;
     * {@code group} identifies its aggregation group, whose notifications are sent in order.
     */
    record Flush(String group, Notification notification, List<PendingAlert> covers, boolean repeat) {
    }

    private static final class Group {
        final String id;
        final String key;
        final Map<String, String> labels;
        final Map<String, AlertEvent> alerts = new LinkedHashMap<>();
        /** The alerts topic's partition each alert came from: who owns its part of the group's state. */
        final Map<String, Integer> partitions = new HashMap<>();
        /** Partitions whose slice is in the journal, so that an emptied one is tombstoned. */
        final Set<Integer> recorded = new HashSet<>();
        List<PendingAlert> covers = new ArrayList<>();
        boolean changed;
        Instant nextFlush;
        Instant lastFlush;

        Group(String id, String key, Map<String, String> labels, Instant nextFlush) {
            this.id = id;
            this.key = key;
            this.labels = labels;
            this.nextFlush = nextFlush;
        }
    }

    private final String receiver;
    private final Grouping grouping;
    private final Journal journal;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    Grouper(String receiver, Grouping grouping, Journal journal) {
        this.receiver = receiver;
        this.grouping = grouping;
        this.journal = journal;
    }

    /** Adds (or updates, by fingerprint) an alert; {@code pending} is settled by the notification that carries it. */
    void add(AlertEvent alert, PendingAlert pending, Instant now) {
        Map<String, String> all = Labels.of(alert);
        Map<String, String> labels;
        if (grouping.byAllLabels()) {
            labels = all;
        } else {
            labels = new TreeMap<>();
            for (String name : grouping.groupBy()) {
                if (all.containsKey(name)) {
                    labels.put(name, all.get(name));
                }
            }
        }
        String key = Notification.groupKey(labels);
        // By all labels, each alert series is its own group, even if two rules produce the same labels.
        String id = grouping.byAllLabels() ? key + "/" + alert.fingerprint() : key;
        Group group = groups.computeIfAbsent(id, k -> new Group(id, key, labels, now.plus(grouping.groupWait())));
        group.alerts.put(alert.fingerprint(), alert);
        group.partitions.put(alert.fingerprint(), pending.partition().partition());
        group.covers.add(pending);
        group.changed = true;
    }

    /** The notifications due at {@code now}, in the order their groups appeared. */
    List<Flush> due(Instant now) {
        List<Flush> due = new ArrayList<>();
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
            Group group = it.next();
            if (group.changed && !now.isBefore(group.nextFlush)) {
                List<AlertEvent> alerts = new ArrayList<>(group.alerts.values());
                due.add(new Flush(group.id, Notification.of(group.key, group.labels, alerts, ""), group.covers, false));
                group.covers = new ArrayList<>();
                group.changed = false;
                group.lastFlush = now;
                group.nextFlush = now.plus(grouping.groupInterval());
                // A resolution is told once; the group forgets the alert.
                group.alerts.values().removeIf(a -> a.status() == AlertStatus.RESOLVED);
                group.partitions.keySet().retainAll(group.alerts.keySet());
                record(group);
            } else if (!group.changed && repeatDue(group, now)) {
                List<AlertEvent> firing = new ArrayList<>(group.alerts.values());
                due.add(new Flush(group.id, Notification.of(group.key, group.labels, firing, ":repeat:" + now), List.of(), true));
                group.lastFlush = now;
                record(group);
            }
            if (group.alerts.isEmpty() && !group.changed) {
                it.remove();
            }
        }
        return due;
    }

    private boolean repeatDue(Group group, Instant now) {
        return !grouping.repeatInterval().isZero() && group.lastFlush != null && !group.alerts.isEmpty()
                && !now.isBefore(group.lastFlush.plus(grouping.repeatInterval()));
    }

    /** When the next notification may become due; empty with nothing waiting. */
    Optional<Instant> nextDue() {
        Instant next = null;
        for (Group group : groups.values()) {
            Instant at = group.changed ? group.nextFlush
                    : !grouping.repeatInterval().isZero() && group.lastFlush != null && !group.alerts.isEmpty()
                    ? group.lastFlush.plus(grouping.repeatInterval()) : null;
            if (at != null && (next == null || at.isBefore(next))) {
                next = at;
            }
        }
        return Optional.ofNullable(next);
    }

    /**
     * Writes the group's state as of this notification, one slice per partition of its alerts, and
     * tombstones the slices of partitions it no longer holds alerts of (resolved and told).
     */
    private void record(Group group) {
        Map<Integer, List<AlertEvent>> byPartition = new TreeMap<>();
        group.alerts.forEach((fingerprint, alert) ->
                byPartition.computeIfAbsent(group.partitions.get(fingerprint), p -> new ArrayList<>()).add(alert));
        for (Integer partition : group.recorded) {
            if (!byPartition.containsKey(partition)) {
                journal.group(GroupSlice.key(receiver, partition, group.id), null);
            }
        }
        group.recorded.clear();
        byPartition.forEach((partition, alerts) -> {
            GroupSlice slice = new GroupSlice(receiver, group.id, group.key, group.labels, partition, alerts, group.lastFlush,
                    group.nextFlush);
            journal.group(slice.key(), slice);
            group.recorded.add(partition);
        });
    }

    /**
     * Takes back this receiver's group slices (of partitions just assigned to this member), as they
     * were at their last notification: the next notification is due when it was before the restart.
     */
    void restore(Collection<GroupSlice> slices) {
        for (GroupSlice slice : slices) {
            if (!slice.receiver().equals(receiver) || slice.lastFlush() == null) {
                continue;
            }
            Group group = groups.computeIfAbsent(slice.group(),
                    id -> new Group(id, slice.groupKey(), new TreeMap<>(slice.labels()), slice.nextFlush()));
            for (AlertEvent alert : slice.alerts()) {
                if (group.alerts.putIfAbsent(alert.fingerprint(), alert) == null) {
                    group.partitions.put(alert.fingerprint(), slice.partition());
                }
            }
            group.recorded.add(slice.partition());
            if (group.lastFlush == null || group.lastFlush.isBefore(slice.lastFlush())) {
                group.lastFlush = slice.lastFlush();
                group.nextFlush = slice.nextFlush();
            }
        }
    }

    /**
     * Forgets records and alerts of partitions this member no longer owns; their new owner notifies
     * them and, from their slices in the journal, repeats them.
     */
    void forget(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        Set<Integer> gone = new HashSet<>();
        partitions.forEach(p -> gone.add(p.partition()));
        for (Iterator<Group> it = groups.values().iterator(); it.hasNext(); ) {
            Group group = it.next();
            group.covers.removeIf(p -> partitions.contains(p.partition()));
            group.partitions.values().removeIf(gone::contains);
            group.alerts.keySet().retainAll(group.partitions.keySet());
            group.recorded.removeAll(gone);
            if (group.alerts.isEmpty() && group.covers.isEmpty()) {
                it.remove();
            }
        }
    }

    boolean waiting() {
        return groups.values().stream().anyMatch(g -> g.changed);
    }
}
