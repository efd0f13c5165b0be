package dev.telemetry.alerts.testing;

import dev.telemetry.alerts.nflog.AttemptRecord;
import dev.telemetry.alerts.nflog.DeadLetter;
import dev.telemetry.alerts.nflog.Journal;
import dev.telemetry.alerts.nflog.NotificationLogEntry;
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

    public List<AttemptRecord> attempts() {
        return List.copyOf(attempts);
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }
}
