package dev.telemetry.console.view;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The most recent records of one kind, bounded by time and count: a record stamped before {@code now - retention}
 * is refused and dropped by {@link #prune()}; beyond {@code maxRecords} the oldest arrival goes first.
 * Reads copy. Thread-safe (one lock).
 */
public final class RecentLog<T> {

    private final Duration retention;
    private final int maxRecords;
    private final Clock clock;
    private final Function<T, Instant> at;
    private final ArrayDeque<T> records = new ArrayDeque<>();
    private long evicted;

    public RecentLog(Duration retention, int maxRecords, Clock clock, Function<T, Instant> at) {
        if (retention.isNegative() || retention.isZero() || maxRecords <= 0) {
            throw new IllegalArgumentException("retention and cap must be positive");
        }
        this.retention = retention;
        this.maxRecords = maxRecords;
        this.clock = clock;
        this.at = at;
    }

    /** Adds one record; false when it is unusable (null, no time) or older than the retention. */
    public synchronized boolean add(T record) {
        if (record == null) {
            return false;
        }
        Instant when = at.apply(record);
        if (when == null || when.isBefore(cutoff())) {
            return false;
        }
        records.addLast(record);
        while (records.size() > maxRecords) {
            records.removeFirst();
            evicted++;
        }
        return true;
    }

    /** Drops the records older than the retention. */
    public synchronized void prune() {
        Instant cutoff = cutoff();
        records.removeIf(r -> at.apply(r).isBefore(cutoff));
    }

    /** The records within the retention that match {@code filter}, newest (by their time) first. */
    public synchronized List<T> query(Predicate<T> filter) {
        Instant cutoff = cutoff();
        List<T> out = new ArrayList<>();
        for (Iterator<T> it = records.descendingIterator(); it.hasNext(); ) {
            T r = it.next();
            if (!at.apply(r).isBefore(cutoff) && filter.test(r)) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(at, Comparator.reverseOrder()));
        return out;
    }

    public synchronized int size() {
        return records.size();
    }

    /** Records dropped because of {@code maxRecords}. */
    public synchronized long evicted() {
        return evicted;
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }
}
