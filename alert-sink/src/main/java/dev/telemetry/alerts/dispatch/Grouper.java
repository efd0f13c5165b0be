package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.model.Labels;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One receiver's aggregation groups (Alertmanager's dispatcher): alerts join the group of their
 * {@code group_by} labels; a group is notified {@code group_wait} after it appears, then at most
 * every {@code group_interval} when it changed, and every {@code repeat_interval} while it has
 * firing alerts and nothing changed. Driven by the time it is given, so tests move a clock.
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

    private final Grouping grouping;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    Grouper(Grouping grouping) {
        this.grouping = grouping;
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
            } else if (!group.changed && repeatDue(group, now)) {
                List<AlertEvent> firing = new ArrayList<>(group.alerts.values());
                due.add(new Flush(group.id, Notification.of(group.key, group.labels, firing, ":repeat:" + now), List.of(), true));
                group.lastFlush = now;
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

    /** Forgets records of partitions this member no longer owns; their new owner notifies them. */
    void forget(java.util.Collection<org.apache.kafka.common.TopicPartition> partitions) {
        for (Group group : groups.values()) {
            group.covers.removeIf(p -> partitions.contains(p.partition()));
        }
    }

    boolean waiting() {
        return groups.values().stream().anyMatch(g -> g.changed);
    }
}
