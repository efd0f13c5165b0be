package dev.telemetry.alerts.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * One receiver's storm limit, a pure function of the times it is given: at most {@code limit}
 * notifications in any {@link #WINDOW}; beyond that each further one is folded, and what was folded
 * is told in one storm notification, {@code foldWait} after the first fold, then at most one per
 * window while folding goes on. So a receiver gets at most {@code limit + 1} notifications a minute.
 * A limit of 0 admits everything.
 *
 * @param <T> what is folded (the receiver's notifications)
 */
final class StormLimiter<T> {

    static final Duration WINDOW = Duration.ofMinutes(1);

    private final int limit;
    private final Duration foldWait;
    /** When the notifications of the last window were admitted, oldest first. */
    private final Deque<Instant> admitted = new ArrayDeque<>();
    private final List<T> folded = new ArrayList<>();
    private Instant stormDue;
    private Instant lastStorm;

    StormLimiter(int limit, Duration foldWait) {
        this.limit = limit;
        this.foldWait = foldWait;
    }

    int limit() {
        return limit;
    }

    /** True if one more notification may go at {@code now} (and counts it); false if it must be folded. */
    boolean admit(Instant now) {
        if (limit <= 0) {
            return true;
        }
        expire(now);
        if (admitted.size() >= limit) {
            return false;
        }
        admitted.addLast(now);
        return true;
    }

    /** Holds {@code item} for the next storm notification. */
    void fold(T item, Instant now) {
        if (folded.isEmpty()) {
            Instant due = now.plus(foldWait);
            stormDue = lastStorm != null && lastStorm.plus(WINDOW).isAfter(due) ? lastStorm.plus(WINDOW) : due;
        }
        folded.add(item);
    }

    /** What the storm notification due at {@code now} tells; empty when none is due. */
    Optional<List<T>> due(Instant now) {
        if (folded.isEmpty() || now.isBefore(stormDue)) {
            return Optional.empty();
        }
        List<T> storm = List.copyOf(folded);
        folded.clear();
        lastStorm = now;
        stormDue = null;
        return Optional.of(storm);
    }

    /** When the next storm notification is due; empty with nothing folded. */
    Optional<Instant> nextDue() {
        return Optional.ofNullable(stormDue);
    }

    /** In storm mode: folding, or out of notifications for this window. */
    boolean active(Instant now) {
        if (limit <= 0) {
            return false;
        }
        expire(now);
        return !folded.isEmpty() || admitted.size() >= limit;
    }

    private void expire(Instant now) {
        Instant start = now.minus(WINDOW);
        while (!admitted.isEmpty() && !admitted.peekFirst().isAfter(start)) {
            admitted.removeFirst();
        }
    }
}
