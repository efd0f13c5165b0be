package dev.telemetry.alerts.nflog;

/**
 * Where the dispatcher writes down what it did, so that a restart neither repeats nor loses a
 * notification: the notification log (what each receiver already has), every attempt, and the
 * dead letters. {@link #flush()} makes all of it durable; the dispatcher calls it before it
 * commits the offsets of the alerts concerned.
 */
public interface Journal {

    /**
     * Blocks until the notification log is read to its end (nothing may be sent before: it could be
     * a repeat), or {@code giveUp} says to stop waiting; returns whether it is ready.
     */
    default boolean awaitReady(java.util.function.BooleanSupplier giveUp) {
        return true;
    }

    /** True once {@link #awaitReady} would not block. */
    default boolean ready() {
        return true;
    }

    /** True when {@code receiver} is known to have the notification with this idempotency key. */
    boolean delivered(String receiver, String idempotencyKey);

    /** Records that {@code entry.receiver()} accepted the notification. */
    void delivered(NotificationLogEntry entry);

    /** Records one delivery attempt, whatever its outcome. */
    void attempted(AttemptRecord attempt);

    /** Records a notification given up on (permanent failure, maximum age, unreadable record). */
    void deadLettered(DeadLetter letter);

    /**
     * Blocks until everything recorded so far is durable; throws {@link JournalUnavailableException}
     * (after a bounded wait) while it is not, and the caller tries again later.
     */
    void flush();

    /**
     * Records a group's slice as of its last notification ({@code telemetry.group-state}), or with
     * {@code slice} null that the slice under {@code key} is gone (resolved and told). Made durable by {@link #flush()}.
     */
    default void group(String key, GroupSlice slice) {
    }

    /** The group slices recorded by any instance, read at start-up; complete once {@link #awaitReady} returned. */
    default java.util.Collection<GroupSlice> groups() {
        return java.util.List.of();
    }

    /** Records that {@code alert} fires, or with {@code alert} null that {@code fingerprint} no longer does. */
    default void firing(String fingerprint, dev.telemetry.events.derived.AlertEvent alert) {
    }

    /** The alerts recorded as firing, for inhibition at start-up; complete once {@link #awaitReady} returned. */
    default java.util.Collection<dev.telemetry.events.derived.AlertEvent> firing() {
        return java.util.List.of();
    }
}
