package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumed record and the receivers still owed its notification. A record is done when no
 * receiver is left; only then may its offset be committed.
 */
final class PendingAlert {

    private record Owed(int failures, Instant notBefore) {
    }

    private final TopicPartition partition;
    private final long offset;
    private final AlertEvent alert;
    private final String idempotencyKey;
    private final Map<Notifier, Owed> owed = new LinkedHashMap<>();

    private PendingAlert(TopicPartition partition, long offset, AlertEvent alert, List<Notifier> receivers, Instant now) {
        this.partition = partition;
        this.offset = offset;
        this.alert = alert;
        this.idempotencyKey = alert == null ? null : Notifier.idempotencyKey(alert);
        receivers.forEach(receiver -> owed.put(receiver, new Owed(0, now)));
    }

    /** A record to notify {@code receivers} of, all due {@code now}. */
    static PendingAlert deliver(TopicPartition partition, long offset, AlertEvent alert, List<Notifier> receivers, Instant now) {
        return new PendingAlert(partition, offset, alert, receivers, now);
    }

    /** A record that needs no notification but still holds its place in commit order. */
    static PendingAlert skip(TopicPartition partition, long offset) {
        return new PendingAlert(partition, offset, null, List.of(), Instant.EPOCH);
    }

    TopicPartition partition() {
        return partition;
    }

    long offset() {
        return offset;
    }

    AlertEvent alert() {
        return alert;
    }

    String idempotencyKey() {
        return idempotencyKey;
    }

    boolean done() {
        return owed.isEmpty();
    }

    /** Receivers whose next attempt is due at {@code now}. */
    List<Notifier> due(Instant now) {
        List<Notifier> due = new ArrayList<>();
        owed.forEach((receiver, state) -> {
            if (!state.notBefore().isAfter(now)) {
                due.add(receiver);
            }
        });
        return due;
    }

    /** When the earliest owed receiver is due; empty when done. */
    Optional<Instant> nextAttempt() {
        return owed.values().stream().map(Owed::notBefore).min(Instant::compareTo);
    }

    /** The receiver has it, or will never take it: either way nothing more is owed. */
    void settled(Notifier receiver) {
        owed.remove(receiver);
    }

    /** Records one more consecutive failure; the receiver is due again at {@code retryAt}. */
    void failed(Notifier receiver, Instant retryAt) {
        owed.put(receiver, new Owed(owed.get(receiver).failures() + 1, retryAt));
    }

    /** Consecutive failures of {@code receiver} for this record so far. */
    int failures(Notifier receiver) {
        Owed state = owed.get(receiver);
        return state == null ? 0 : state.failures();
    }

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
