package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumed record and the receivers still owed its notification. Each receiver works through
 * its own {@link ReceiverQueue}; the record is done when no receiver is left, and only then may
 * its offset be committed. Touched by the loop thread only.
 */
final class PendingAlert {

    private final TopicPartition partition;
    private final long offset;
    private final AlertEvent alert;
    private final String idempotencyKey;
    private final Set<String> owed = new LinkedHashSet<>();

    private PendingAlert(TopicPartition partition, long offset, AlertEvent alert, List<Notifier> receivers) {
        this.partition = partition;
        this.offset = offset;
        this.alert = alert;
        this.idempotencyKey = alert == null ? null : Notifier.idempotencyKey(alert);
        receivers.forEach(receiver -> owed.add(receiver.name()));
    }

    /** A record to notify {@code receivers} of. */
    static PendingAlert deliver(TopicPartition partition, long offset, AlertEvent alert, List<Notifier> receivers) {
        return new PendingAlert(partition, offset, alert, receivers);
    }

    /** A record that needs no notification but still holds its place in commit order. */
    static PendingAlert skip(TopicPartition partition, long offset) {
        return new PendingAlert(partition, offset, null, List.of());
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

    /** The receiver has it, or will never take it: either way nothing more is owed. */
    void settled(String receiver) {
        owed.remove(receiver);
    }

    @Override
    public String toString() {
        return partition + "@" + offset;
    }
}
