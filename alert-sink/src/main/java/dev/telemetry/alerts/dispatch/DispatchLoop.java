package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer loop: polls {@code telemetry.alerts}, routes each alert, delivers it to every
 * receiver and commits a record's offset only once every receiver has it or has refused it for good.
 *
 * <p>Records are settled strictly in consumption order, so a committed offset never skips an alert
 * still owed to a receiver. While a receiver is backing off, all partitions are paused and
 * {@code poll} doubles as the wait: the consumer stays in its group (no {@code max.poll.interval.ms}
 * eviction), nothing spins, and {@link #stop()} ends the wait at once through {@code wakeup()}.
 * Deliveries run on their own threads so that stopping can abandon an attempt in flight; the
 * abandoned record is not committed and is delivered again, under the same idempotency key, after
 * a restart.
 */
public final class DispatchLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLoop.class);

    /** Poll timeout with nothing to retry; {@code wakeup()} ends it early, so it only bounds idle wake-ups. */
    static final Duration IDLE_POLL = Duration.ofSeconds(1);
    /** Longest stretch of deliveries between two polls, well inside {@code max.poll.interval.ms}. */
    static final Duration STEP_BUDGET = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Router router;
    private final Backoff backoff;
    private final DeliveryMetrics metrics;
    private final Clock clock;
    private final Deserializer<AlertEvent> reader = JsonSerde.alert().deserializer();
    private final ExecutorService deliveries = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "alert-delivery");
        thread.setDaemon(true);
        return thread;
    });
    private final CompletableFuture<Void> stopping = new CompletableFuture<>();

    // Owned by the loop thread.
    private final Deque<PendingAlert> backlog = new ArrayDeque<>();
    private final Map<TopicPartition, OffsetAndMetadata> settled = new HashMap<>();

    private volatile boolean running;
    private volatile int backlogSize;
    private volatile Throwable failure;

    public DispatchLoop(Consumer<String, byte[]> consumer, String topic, Router router, Backoff backoff,
                        DeliveryMetrics metrics, Clock clock) {
        this.consumer = consumer;
        this.topic = topic;
        this.router = router;
        this.backoff = backoff;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public void run() {
        running = true;
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (!stopping.isDone()) {
                step();
            }
        } catch (WakeupException e) {
            if (!stopping.isDone()) {
                failure = e;
                LOG.error("consumer woken up unexpectedly; no longer consuming {}", topic, e);
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("stopped consuming {}: {}", topic, e.toString(), e);
        } finally {
            // First, so that health reports a stopped consumer even if closing hangs or fails.
            running = false;
            commitFinal();
            deliveries.shutdownNow();
            try {
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                LOG.warn("closing the consumer failed: {}", e.toString());
            }
        }
    }

    /** One round: poll (or wait for the next retry), deliver what is due, commit what is settled. */
    void step() {
        ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout());
        Instant now = clock.instant();
        for (ConsumerRecord<String, byte[]> record : records) {
            backlog.addLast(admit(record, now));
        }
        deliverDue();
        commitSettled();
        if (backlog.isEmpty()) {
            if (!consumer.paused().isEmpty()) {
                consumer.resume(consumer.paused());
            }
        } else {
            consumer.pause(consumer.assignment());
        }
        backlogSize = backlog.size();
    }

    /** Asks the loop to stop: ends a poll or retry wait at once and interrupts deliveries in flight. Any thread. */
    public void stop() {
        stopping.complete(null);
        consumer.wakeup();
        deliveries.shutdownNow();
    }

    /** True while the loop thread is consuming. */
    public boolean running() {
        return running && failure == null;
    }

    /** Consumed records not yet settled (owed to a receiver, or queued behind one that is). */
    public int backlogSize() {
        return backlogSize;
    }

    private Duration pollTimeout() {
        PendingAlert head = backlog.peekFirst();
        if (head == null) {
            return IDLE_POLL;
        }
        Optional<Instant> next = head.nextAttempt();
        if (next.isEmpty()) {
            return Duration.ZERO;
        }
        Duration wait = Duration.between(clock.instant(), next.get());
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(IDLE_POLL) > 0 ? IDLE_POLL : wait;
    }

    private PendingAlert admit(ConsumerRecord<String, byte[]> record, Instant now) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (record.value() == null) {
            metrics.skipped(DeliveryMetrics.Skip.EMPTY);
            return PendingAlert.skip(partition, record.offset());
        }
        AlertEvent alert;
        try {
            alert = reader.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            // A poison record must not block the partition; it will go to the sink's DLQ once that exists.
            metrics.skipped(DeliveryMetrics.Skip.INVALID);
            LOG.warn("skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return PendingAlert.skip(partition, record.offset());
        }
        if (alert.status() == null) {
            metrics.skipped(DeliveryMetrics.Skip.INVALID);
            LOG.warn("skipping {}-{}@{}: alert {} has no status", record.topic(), record.partition(), record.offset(), alert.fingerprint());
            return PendingAlert.skip(partition, record.offset());
        }
        if (alert.status() == AlertStatus.PENDING) {
            // Alertmanager notifies firing and resolved only; pending is the processor's business.
            metrics.skipped(DeliveryMetrics.Skip.PENDING);
            LOG.debug("not notifying pending alert {} [{}]", alert.rule(), alert.fingerprint());
            return PendingAlert.skip(partition, record.offset());
        }
        List<Notifier> receivers = router.route(alert);
        if (receivers.isEmpty()) {
            metrics.skipped(DeliveryMetrics.Skip.UNROUTED);
            LOG.warn("no receiver for {} alert {} (channels {}): configure default-receivers or a route",
                    alert.status().wireName(), alert.rule(), alert.channels());
            return PendingAlert.skip(partition, record.offset());
        }
        return PendingAlert.deliver(partition, record.offset(), alert, receivers, now);
    }

    /** Settles backlog records in order until one must wait for a retry or the step budget is spent. */
    private void deliverDue() {
        long deadline = System.nanoTime() + STEP_BUDGET.toNanos();
        while (!backlog.isEmpty() && !stopping.isDone()) {
            PendingAlert head = backlog.peekFirst();
            if (!head.done()) {
                List<Notifier> due = head.due(clock.instant());
                if (due.isEmpty()) {
                    return;
                }
                attempt(head, due);
                if (!head.done()) {
                    return;
                }
            }
            backlog.removeFirst();
            settled.put(head.partition(), new OffsetAndMetadata(head.offset() + 1));
            if (System.nanoTime() - deadline > 0) {
                return;
            }
        }
    }

    /** Delivers {@code head} to the due receivers in parallel and records each outcome. */
    private void attempt(PendingAlert head, List<Notifier> due) {
        Map<Notifier, CompletableFuture<Attempt>> attempts = new LinkedHashMap<>();
        try {
            for (Notifier receiver : due) {
                attempts.put(receiver, CompletableFuture.supplyAsync(() -> deliver(receiver, head), deliveries));
            }
        } catch (RejectedExecutionException e) {
            return; // stopping
        }
        try {
            CompletableFuture.anyOf(CompletableFuture.allOf(attempts.values().toArray(CompletableFuture[]::new)), stopping).join();
        } catch (CompletionException e) {
            // deliver() catches everything a notifier throws; nothing else completes exceptionally.
        }
        if (stopping.isDone()) {
            // An attempt cut short says nothing about the receiver; the record stays unsettled.
            return;
        }
        Instant now = clock.instant();
        attempts.forEach((receiver, future) -> settle(head, receiver, future.join(), now));
    }

    private record Attempt(DeliveryResult result, Duration took) {
    }

    private static Attempt deliver(Notifier receiver, PendingAlert head) {
        long started = System.nanoTime();
        DeliveryResult result;
        try {
            result = receiver.deliver(head.alert(), head.idempotencyKey());
        } catch (RuntimeException e) {
            // A notifier bug would repeat on every retry; blocking all later alerts on it is worse than dropping this one.
            LOG.error("receiver {} threw while delivering {} [{}]", receiver.name(), head.alert().rule(),
                    head.alert().fingerprint(), e);
            result = new DeliveryResult.Permanent("notifier failed: " + e.getClass().getSimpleName());
        }
        return new Attempt(result, Duration.ofNanos(System.nanoTime() - started));
    }

    private void settle(PendingAlert head, Notifier receiver, Attempt attempt, Instant now) {
        metrics.attempted(receiver.name(), attempt.result(), attempt.took());
        AlertEvent alert = head.alert();
        DeliveryResult result = attempt.result();
        if (result instanceof DeliveryResult.Delivered) {
            LOG.debug("delivered {} {} to {}", alert.status().wireName(), alert.rule(), receiver.name());
            head.settled(receiver);
        } else if (result instanceof DeliveryResult.Retryable retryable) {
            int failures = head.failures(receiver) + 1;
            Duration wait = backoff.delay(failures, retryable.retryAfter());
            head.failed(receiver, now.plus(wait));
            LOG.warn("delivery of {} {} [{}] to {} failed (attempt {}), retrying in {} ms: {}", alert.status().wireName(),
                    alert.rule(), alert.fingerprint(), receiver.name(), failures, wait.toMillis(), retryable.reason());
        } else if (result instanceof DeliveryResult.Permanent permanent) {
            // Later: to telemetry.alerts.dlq. Until then the log line is the record of the loss.
            LOG.error("delivery of {} {} [{}] to {} failed permanently, dropped: {}", alert.status().wireName(),
                    alert.rule(), alert.fingerprint(), receiver.name(), permanent.reason());
            head.settled(receiver);
        }
    }

    private void commitSettled() {
        if (settled.isEmpty()) {
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

    /** The last commit: {@code stop()}'s wakeup may still be pending and spoil the first try. */
    private void commitFinal() {
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

    /** Keeps unsettled work only for partitions this member still owns. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> owned = new HashMap<>(settled);
            owned.keySet().retainAll(partitions);
            if (!owned.isEmpty()) {
                try {
                    consumer.commitSync(owned);
                } catch (RuntimeException e) {
                    LOG.warn("commit on revocation failed; the new owner redelivers from the last commit: {}", e.toString());
                }
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("consuming {}", partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            settled.keySet().removeAll(partitions);
            backlog.removeIf(pending -> partitions.contains(pending.partition()));
        }
    }
}
