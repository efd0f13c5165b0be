package dev.telemetry.alerts.testing;

import dev.telemetry.alerts.nflog.AttemptRecord;
import dev.telemetry.alerts.nflog.DeadLetter;
import dev.telemetry.alerts.nflog.GroupSlice;
import dev.telemetry.alerts.nflog.Journal;
import dev.telemetry.alerts.nflog.NotificationLogEntry;
import dev.telemetry.events.derived.AlertEvent;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A journal kept in memory, for dispatcher tests that need no broker. */
public final class InMemoryJournal implements Journal {

    private final Map<String, NotificationLogEntry> log = new ConcurrentHashMap<>();
    private final List<AttemptRecord> attempts = new CopyOnWriteArrayList<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

    @Override
    public boolean delivered(String receiver, String idempotencyKey) {
        return log.containsKey(NotificationLogEntry.key(receiver, idempotencyKey));
    }

    @Override
    public void delivered(NotificationLogEntry entry) {
        log.put(entry.key(), entry);
    }

    @Override
    public void attempted(AttemptRecord attempt) {
        attempts.add(attempt);
    }

    @Override
    public void deadLettered(DeadLetter letter) {
        deadLetters.add(letter);
    }

    private volatile boolean brokerAway;

    /** While set, {@link #flush} fails as the Kafka journal does with the broker away. */
    public void brokerAway(boolean away) {
        brokerAway = away;
    }

    @Override
    public void flush() {
        if (brokerAway) {
            throw new dev.telemetry.alerts.nflog.JournalUnavailableException("1 journal record(s) not yet written");
        }
    }

    private final Map<String, GroupSlice> groups = new ConcurrentHashMap<>();
    private final Map<String, AlertEvent> firing = new ConcurrentHashMap<>();

    @Override
    public void group(String key, GroupSlice slice) {
        if (slice == null) {
            groups.remove(key);
        } else {
            groups.put(key, slice);
        }
    }

    @Override
    public Collection<GroupSlice> groups() {
        return List.copyOf(groups.values());
    }

    @Override
    public void firing(String fingerprint, AlertEvent alert) {
        if (alert == null) {
            firing.remove(fingerprint);
        } else {
            firing.put(fingerprint, alert);
        }
    }

    @Override
    public Collection<AlertEvent> firing() {
        return List.copyOf(firing.values());
    }

    /** The group state recorded, by key, as the compacted topic would keep it. */
    public Map<String, GroupSlice> groupState() {
        return Map.copyOf(groups);
    }

    public List<AttemptRecord> attempts() {
        return List.copyOf(attempts);
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }
}
