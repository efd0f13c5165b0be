package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.nflog.Journal;
import dev.telemetry.alerts.nflog.JournalUnavailableException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offset tracking: consumed records in order, and the offsets to commit for the contiguous prefix
 * of settled ones, committed only after the {@link Journal} (notification log, attempts, dead
 * letters) is flushed. A crash after a delivery and before the commit replays the record, and the
 * notification log then says the receiver already has it. Touched by the loop thread only.
 */
final class Offsets {

    private static final Logger LOG = LoggerFactory.getLogger(Offsets.class);

    private final Consumer<String, byte[]> consumer;
    private final Journal journal;
    private final Deque<PendingAlert> backlog = new ArrayDeque<>();
    private final Map<TopicPartition, OffsetAndMetadata> settled = new HashMap<>();
    private final Backoff journalBackoff;
    private int journalFailures;
    private long journalRetryAt;
    private volatile boolean journalWritten = true;

    /** {@code journalBackoff} spaces the flushes tried while the journal cannot be written. */
    Offsets(Consumer<String, byte[]> consumer, Journal journal, Backoff journalBackoff) {
        this.consumer = consumer;
        this.journal = journal;
        this.journalBackoff = journalBackoff;
    }

    /** False while the journal's records are not all written: offsets are held back meanwhile. */
    boolean journalWritten() {
        return journalWritten;
    }

    /** A consumed record, in consumption order. */
    void consumed(PendingAlert pending) {
        backlog.addLast(pending);
    }

    /** Consumed records not yet settled, or behind one that is not. */
    int backlog() {
        return backlog.size();
    }

    /** Moves the settled prefix to the offsets to commit, and commits them. */
    void commitSettled() {
        while (!backlog.isEmpty() && backlog.peekFirst().done()) {
            PendingAlert head = backlog.removeFirst();
            settled.put(head.partition(), new OffsetAndMetadata(head.offset() + 1));
        }
        if (settled.isEmpty() || (journalFailures > 0 && System.nanoTime() - journalRetryAt < 0)) {
            return;
        }
        // The notification log and dead letters of these records must be durable before their offsets are.
        if (!flushJournal()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(settled);
        try {
            consumer.commitSync(offsets);
            offsets.forEach(settled::remove);
        } catch (CommitFailedException e) {
            // The group moved on without us: these partitions belong to another member, which redelivers.
            LOG.warn("offset commit rejected after a rebalance; the new owner redelivers from the last commit: {}", e.getMessage());
            settled.clear();
        } catch (RebalanceInProgressException | TimeoutException e) {
            // Kept: the next step retries, and a revocation in between commits or drops them.
            LOG.warn("offset commit deferred: {}", e.getMessage());
        }
    }

    /**
     * Flushes the journal. While the broker is away this fails: consumption and delivery go on, the
     * offsets wait (a restart replays, and nothing is skipped), and the next try comes after a backoff.
     */
    private boolean flushJournal() {
        try {
            journal.flush();
        } catch (JournalUnavailableException e) {
            journalFailures++;
            journalWritten = false;
            java.time.Duration wait = journalBackoff.delay(journalFailures, java.util.Optional.empty());
            journalRetryAt = System.nanoTime() + wait.toNanos();
            LOG.warn("journal not written (attempt {}); offsets held back, next try in {} ms: {}", journalFailures, wait.toMillis(),
                    e.getMessage());
            return false;
        }
        if (journalFailures > 0) {
            LOG.info("journal written again after {} failed attempts; committing the offsets held back", journalFailures);
        }
        journalFailures = 0;
        journalWritten = true;
        return true;
    }

    /** The last commit: {@code stop()}'s wakeup may still be pending and spoil the first try. */
    void commitFinal() {
        for (int tries = 0; tries < 2; tries++) {
            try {
                commitSettled();
                return;
            } catch (WakeupException e) {
                // consumed now; try once more
            } catch (RuntimeException e) {
                LOG.warn("final offset commit failed; settled records after the last commit will be redelivered: {}", e.toString());
                return;
            }
        }
    }

    /** Keeps unsettled work only for partitions this member still owns; {@code forget} drops the rest downstream. */
    ConsumerRebalanceListener rebalanceListener(java.util.function.Consumer<Collection<TopicPartition>> forget) {
        return rebalanceListener(forget, partitions -> { });
    }

    /** As above; {@code restore} is told the partitions assigned, before their first records are polled. */
    ConsumerRebalanceListener rebalanceListener(java.util.function.Consumer<Collection<TopicPartition>> forget,
                                                java.util.function.Consumer<Collection<TopicPartition>> restore) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(settled);
                owned.keySet().retainAll(partitions);
                if (!owned.isEmpty()) {
                    try {
                        // Through flushJournal, so that health tells the journal is written again when this commit is the first after an outage.
                        if (flushJournal()) {
                            consumer.commitSync(owned);
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("commit on revocation failed; the new owner redelivers from the last commit: {}", e.toString());
                    }
                }
                drop(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                drop(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                LOG.info("consuming {}", partitions);
                restore.accept(partitions);
            }

            private void drop(Collection<TopicPartition> partitions) {
                settled.keySet().removeAll(partitions);
                backlog.removeIf(pending -> partitions.contains(pending.partition()));
                forget.accept(partitions);
            }
        };
    }
}
