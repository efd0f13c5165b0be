package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import dev.telemetry.alerts.nflog.AttemptRecord;
import dev.telemetry.alerts.nflog.DeadLetter;
import dev.telemetry.alerts.nflog.Journal;
import dev.telemetry.alerts.nflog.NotificationLogEntry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
 * The sink's consumer loop: polls {@code telemetry.alerts}, routes each alert, puts it on the queue
 * of every receiver it is routed to, and commits a record's offset only once every receiver has it
 * or has refused it for good.
 *
 * <p>Each receiver has its own queue ({@link ReceiverQueue}) with at most one attempt in flight on
 * a delivery thread, so a dead or slow receiver delays only itself. Offsets are committed for the
 * contiguous prefix of settled records, after the {@link Journal} (notification log, attempts,
 * dead letters) is flushed: a crash after a delivery and before the commit replays the record, and
 * the notification log then says the receiver already has it. Only a crash between the delivery
 * and its log entry repeats a notification, under the same idempotency key. Consumption pauses
 * when {@link #MAX_BACKLOG} records are unsettled, so memory stays bounded while a receiver is
 * down; {@code maxAge} then moves its oldest notifications to the dead-letter topic.
 */
public final class DispatchLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLoop.class);

    /** Poll timeout with nothing to retry; {@code wakeup()} ends it early, so it only bounds idle wake-ups. */
    static final Duration IDLE_POLL = Duration.ofSeconds(1);
    /** Poll timeout while attempts are in flight: how soon a finished attempt is noticed. */
    static final Duration BUSY_POLL = Duration.ofMillis(50);
    /** How long one step waits for attempts in flight before it polls again. */
    static final Duration SETTLE_WAIT = Duration.ofMillis(200);
    /** Longest stretch of deliveries between two polls, well inside {@code max.poll.interval.ms}. */
    static final Duration STEP_BUDGET = Duration.ofSeconds(10);
    /** Unsettled records held before consumption pauses. */
    static final int MAX_BACKLOG = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Router router;
    private final Backoff backoff;
    private final Duration maxAge;
    private final DeliveryMetrics metrics;
    private final Journal journal;
    private final List<Muter> muters;
    private final Grouping grouping;
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
    private final Map<String, ReceiverQueue> queues = new LinkedHashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> settled = new HashMap<>();

    private volatile boolean running;
    private volatile int backlogSize;
    private volatile Throwable failure;
    private final Map<String, Integer> queueSizes = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, ReceiverStatus> statuses = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * What {@code /health} shows per receiver: notifications owed, consecutive failures of the one
     * at the head, and the last attempt's outcome and reason (never a secret).
     */
    public record ReceiverStatus(int owed, int failures, String lastOutcome, String lastReason, Instant lastAttemptAt) {

        /** {@code ok}, {@code retrying} (its head failed and waits) or {@code idle} (never tried). */
        public String state() {
            return lastOutcome == null ? "idle" : failures > 0 ? "retrying" : "ok";
        }
    }

    /** Replays the alerts topic up to now, for stages that must know the current state; none by default. */
    @FunctionalInterface
    public interface History {
        boolean replay(java.util.function.Consumer<byte[]> sink, java.util.function.BooleanSupplier giveUp);

        History NONE = (sink, giveUp) -> true;
    }

    private History history = History.NONE;

    /** Sets where the alert history comes from before {@link #run()}. */
    public DispatchLoop withHistory(History history) {
        this.history = history;
        return this;
    }

    private void observe(byte[] value) {
        try {
            AlertEvent alert = reader.deserialize(topic, value);
            if (alert.status() != null) {
                muters.forEach(muter -> muter.observe(alert));
            }
        } catch (SerializationException e) {
            // Unreadable history says nothing about what fires.
        }
    }

    /** A loop without grouping: every alert state change is notified at once, on its own. */
    public DispatchLoop(Consumer<String, byte[]> consumer, String topic, Router router, Backoff backoff, Duration maxAge,
                        DeliveryMetrics metrics, Journal journal, List<Muter> muters, Clock clock) {
        this(consumer, topic, router, backoff, maxAge, Grouping.none(), metrics, journal, muters, clock);
    }

    public DispatchLoop(Consumer<String, byte[]> consumer, String topic, Router router, Backoff backoff, Duration maxAge,
                        Grouping grouping, DeliveryMetrics metrics, Journal journal, List<Muter> muters, Clock clock) {
        this.consumer = consumer;
        this.topic = topic;
        this.router = router;
        this.backoff = backoff;
        this.maxAge = maxAge;
        this.metrics = metrics;
        this.journal = journal;
        this.muters = List.copyOf(muters);
        this.clock = clock;
        this.grouping = grouping;
        for (Notifier notifier : router.receivers()) {
            queues.put(notifier.name(), new ReceiverQueue(notifier, grouping));
            queueSizes.put(notifier.name(), 0);
        }
    }

    @Override
    public void run() {
        running = true;
        try {
            // Nothing is sent before the notification log and the silences are read: it could be a repeat, or muted.
            if (!journal.awaitReady(stopping::isDone)) {
                return;
            }
            for (Muter muter : muters) {
                if (!muter.awaitReady(stopping::isDone)) {
                    return;
                }
            }
            // Inhibition needs the alerts that fire now, including those consumed before a restart.
            if (!history.replay(value -> observe(value), stopping::isDone)) {
                return;
            }
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
            PendingAlert pending = admit(record, now);
            backlog.addLast(pending);
        }
        pump();
        release();
        commitSettled();
        if (backlog.size() < MAX_BACKLOG) {
            if (!consumer.paused().isEmpty()) {
                consumer.resume(consumer.paused());
            }
        } else {
            consumer.pause(consumer.assignment());
        }
        backlogSize = backlog.size();
        queues.forEach((name, queue) -> queueSizes.put(name, queue.queue.size()));
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

    /** Notifications owed, per receiver: a growing number means that receiver is failing. */
    public Map<String, Integer> queueSizes() {
        return Map.copyOf(queueSizes);
    }

    /** Each receiver's status, for {@code /health}. */
    public Map<String, ReceiverStatus> receiverStatuses() {
        Map<String, ReceiverStatus> result = new java.util.TreeMap<>();
        queueSizes.forEach((name, owed) -> {
            ReceiverStatus last = statuses.get(name);
            result.put(name, last == null ? new ReceiverStatus(owed, 0, null, null, null)
                    : new ReceiverStatus(owed, last.failures(), last.lastOutcome(), last.lastReason(), last.lastAttemptAt()));
        });
        return result;
    }

    private Duration pollTimeout() {
        Instant now = clock.instant();
        Duration wait = IDLE_POLL;
        for (ReceiverQueue queue : queues.values()) {
            if (!queue.idle()) {
                wait = min(wait, BUSY_POLL);
            } else if (!queue.queue.isEmpty()) {
                Duration until = Duration.between(now, queue.notBefore);
                wait = min(wait, until.isNegative() ? Duration.ZERO : until);
            }
            Optional<Instant> flush = queue.grouper.nextDue();
            if (flush.isPresent()) {
                Duration until = Duration.between(now, flush.get());
                wait = min(wait, until.isNegative() ? Duration.ZERO : until);
            }
        }
        return wait;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private PendingAlert admit(ConsumerRecord<String, byte[]> record, Instant now) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        String source = record.topic() + "-" + record.partition() + "@" + record.offset();
        if (record.value() == null) {
            metrics.skipped(DeliveryMetrics.Skip.EMPTY);
            return PendingAlert.skip(partition, record.offset());
        }
        AlertEvent alert;
        try {
            alert = reader.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            // A poison record must not block the partition; the dead-letter topic keeps the account.
            metrics.skipped(DeliveryMetrics.Skip.INVALID);
            LOG.warn("skipping {}: {}", source, e.getMessage());
            journal.deadLettered(new DeadLetter(null, "unreadable alert record: " + e.getMessage(), null, 0, now, now, source, null));
            return PendingAlert.skip(partition, record.offset());
        }
        if (alert.status() == null) {
            metrics.skipped(DeliveryMetrics.Skip.INVALID);
            LOG.warn("skipping {}: alert {} has no status", source, alert.fingerprint());
            journal.deadLettered(new DeadLetter(null, "alert has no status", null, 0, now, now, source, alert));
            return PendingAlert.skip(partition, record.offset());
        }
        for (Muter muter : muters) {
            muter.observe(alert);
        }
        if (alert.status() == AlertStatus.PENDING) {
            // Alertmanager notifies firing and resolved only; pending is the processor's business.
            metrics.skipped(DeliveryMetrics.Skip.PENDING);
            LOG.debug("not notifying pending alert {} [{}]", alert.rule(), alert.fingerprint());
            return PendingAlert.skip(partition, record.offset());
        }
        if (alert.status() == AlertStatus.FIRING) {
            for (Muter muter : muters) {
                Optional<String> why = muter.muted(alert, now);
                if (why.isPresent()) {
                    metrics.skipped(muter.skip());
                    LOG.info("not notifying {} [{}]: {}", alert.rule(), alert.fingerprint(), why.get());
                    return PendingAlert.skip(partition, record.offset());
                }
            }
        }
        List<Notifier> receivers = router.route(alert);
        if (receivers.isEmpty()) {
            metrics.skipped(DeliveryMetrics.Skip.UNROUTED);
            LOG.warn("no receiver for {} alert {} (channels {}): configure default-receivers or a route",
                    alert.status().wireName(), alert.rule(), alert.channels());
            return PendingAlert.skip(partition, record.offset());
        }
        PendingAlert pending = PendingAlert.deliver(partition, record.offset(), alert, receivers);
        for (Notifier receiver : receivers) {
            ReceiverQueue queue = queues.get(receiver.name());
            queue.grouper.add(alert, pending, now);
            // Due at once without group_wait, so that alerts keep their order in the queue.
            queue.queue.addAll(queue.grouper.due(now));
        }
        return pending;
    }

    /**
     * Settles finished attempts and starts due ones, receiver by receiver, until nothing more is
     * due, nothing finished within {@link #SETTLE_WAIT}, or the step budget is spent.
     */
    private void pump() {
        long deadline = System.nanoTime() + STEP_BUDGET.toNanos();
        while (!stopping.isDone()) {
            for (ReceiverQueue queue : queues.values()) {
                queue.queue.addAll(queue.grouper.due(clock.instant()));
                if (queue.inFlight != null && queue.inFlight.isDone()) {
                    ReceiverQueue.Attempt attempt = queue.inFlight.join();
                    queue.inFlight = null;
                    settle(queue, attempt, clock.instant());
                }
                if (queue.idle()) {
                    start(queue, clock.instant());
                }
            }
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            queues.values().stream().filter(q -> !q.idle()).forEach(q -> inFlight.add(q.inFlight));
            if (inFlight.isEmpty() || System.nanoTime() - deadline > 0) {
                return;
            }
            inFlight.add(stopping);
            try {
                CompletableFuture.anyOf(inFlight.toArray(CompletableFuture[]::new))
                        .get(SETTLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return; // a slow receiver: poll, and look again next step
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // deliver() catches everything a notifier throws; nothing else completes exceptionally.
            }
        }
    }

    /** Starts an attempt for the head of {@code queue} if it is due, first dropping heads nobody needs sent. */
    private void start(ReceiverQueue queue, Instant now) {
        while (!queue.queue.isEmpty() && queue.current == null) {
            Grouper.Flush head = queue.queue.peekFirst();
            Optional<Notification> needed = needed(queue.name(), head);
            if (needed.isPresent()) {
                queue.current = needed.get();
                break;
            }
            head.covers().forEach(pending -> pending.settled(queue.name()));
            queue.next();
        }
        if (queue.current == null || queue.notBefore.isAfter(now)) {
            return;
        }
        if (queue.firstAttemptAt == null) {
            queue.firstAttemptAt = now;
        }
        Notification notification = queue.current;
        try {
            queue.inFlight = CompletableFuture.supplyAsync(() -> deliver(queue.notifier, notification), deliveries);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /**
     * What {@code receiver} must still be sent of {@code head}: not the alerts the notification log
     * says it has (a replay after a restart), not resolutions of firings it never got (nor any
     * resolution without {@code send_resolved}); empty when nothing is left.
     */
    private Optional<Notification> needed(String receiver, Grouper.Flush head) {
        Notification notification = head.notification();
        if (head.repeat()) {
            if (journal.delivered(receiver, notification.idempotencyKey())) {
                metrics.skipped(DeliveryMetrics.Skip.DUPLICATE);
                return Optional.empty();
            }
            return Optional.of(notification);
        }
        List<AlertEvent> left = new ArrayList<>();
        for (AlertEvent alert : notification.alerts()) {
            if (journal.delivered(receiver, Notifier.idempotencyKey(alert))) {
                metrics.skipped(DeliveryMetrics.Skip.DUPLICATE);
            } else if (alert.status() == AlertStatus.RESOLVED && (!grouping.sendResolved() || !journal.delivered(receiver, firingKey(alert)))) {
                metrics.skipped(DeliveryMetrics.Skip.RESOLVED_UNNOTIFIED);
            } else {
                left.add(alert);
            }
        }
        if (left.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(left.size() == notification.alerts().size() ? notification
                : Notification.of(notification.groupKey(), notification.groupLabels(), left, ""));
    }

    private static String firingKey(AlertEvent resolved) {
        return resolved.fingerprint() + ":" + AlertStatus.FIRING.wireName() + ":" + resolved.startsAt();
    }

    private static ReceiverQueue.Attempt deliver(Notifier receiver, Notification notification) {
        long started = System.nanoTime();
        DeliveryResult result;
        try {
            result = receiver.deliver(notification);
        } catch (RuntimeException e) {
            // A notifier bug would repeat on every retry; blocking all later alerts on it is worse than dead-lettering this one.
            LOG.error("receiver {} threw while delivering {}", receiver.name(), notification.groupKey(), e);
            result = new DeliveryResult.Permanent("notifier failed: " + e.getClass().getSimpleName());
        }
        return new ReceiverQueue.Attempt(result, System.nanoTime() - started);
    }

    private void settle(ReceiverQueue queue, ReceiverQueue.Attempt attempt, Instant now) {
        Grouper.Flush head = queue.queue.peekFirst();
        Notification notification = queue.current;
        String receiver = queue.name();
        DeliveryResult result = attempt.result();
        metrics.attempted(receiver, result, Duration.ofNanos(attempt.latencyNanos()));
        String reason = result instanceof DeliveryResult.Retryable r ? r.reason()
                : result instanceof DeliveryResult.Permanent p ? p.reason() : "";
        String fingerprints = String.join(",", notification.alerts().stream().map(AlertEvent::fingerprint).toList());
        String what = notification.status().wireName() + " " + notification.alerts().get(0).rule()
                + (notification.alerts().size() > 1 ? " and " + (notification.alerts().size() - 1) + " more" : "");
        journal.attempted(new AttemptRecord(receiver, notification.idempotencyKey(), fingerprints,
                notification.alerts().get(0).rule(), notification.status().wireName(), queue.failures + 1, result.outcome(), reason,
                attempt.latencyNanos() / 1_000_000, now));
        statuses.put(receiver, new ReceiverStatus(queue.queue.size(), result instanceof DeliveryResult.Retryable ? queue.failures + 1 : 0,
                result.outcome(), reason, now));
        if (result instanceof DeliveryResult.Delivered) {
            LOG.debug("delivered {} to {}", what, receiver);
            journal.delivered(new NotificationLogEntry(receiver, notification.idempotencyKey(), fingerprints,
                    notification.status().wireName(), now));
            if (!head.repeat()) {
                for (AlertEvent alert : notification.alerts()) {
                    journal.delivered(new NotificationLogEntry(receiver, Notifier.idempotencyKey(alert), alert.fingerprint(),
                            alert.status().wireName(), now));
                }
            }
            head.covers().forEach(pending -> pending.settled(receiver));
            queue.next();
        } else if (result instanceof DeliveryResult.Retryable retryable) {
            queue.failures++;
            if (!Duration.between(queue.firstAttemptAt, now).minus(maxAge).isNegative()) {
                metrics.failed(receiver, DeliveryMetrics.FailureReason.MAX_AGE);
                deadLetter(queue, head, "gave up after " + maxAge.toMillis() + " ms and " + queue.failures
                        + " attempts; last: " + retryable.reason(), now);
                return;
            }
            Duration wait = backoff.delay(queue.failures, retryable.retryAfter());
            queue.notBefore = now.plus(wait);
            LOG.warn("delivery of {} [{}] to {} failed (attempt {}), retrying in {} ms: {}", what, fingerprints, receiver,
                    queue.failures, wait.toMillis(), retryable.reason());
        } else if (result instanceof DeliveryResult.Permanent permanent) {
            queue.failures++;
            deadLetter(queue, head, permanent.reason(), now);
        }
    }

    private void deadLetter(ReceiverQueue queue, Grouper.Flush head, String reason, Instant now) {
        Notification notification = queue.current;
        LOG.error("delivery of {} alert(s) of {} to {} failed for good, sent to the dead-letter topic: {}",
                notification.alerts().size(), notification.groupKey(), queue.name(), reason);
        String source = head.covers().isEmpty() ? "repeat" : head.covers().get(0).toString();
        for (AlertEvent alert : notification.alerts()) {
            journal.deadLettered(new DeadLetter(queue.name(), reason, Notifier.idempotencyKey(alert), queue.failures,
                    queue.firstAttemptAt, now, source, alert));
        }
        head.covers().forEach(pending -> pending.settled(queue.name()));
        queue.next();
    }

    /** Moves the settled prefix of the backlog to the offsets to commit. */
    private void release() {
        while (!backlog.isEmpty() && backlog.peekFirst().done()) {
            PendingAlert head = backlog.removeFirst();
            settled.put(head.partition(), new OffsetAndMetadata(head.offset() + 1));
        }
    }

    private void commitSettled() {
        if (settled.isEmpty()) {
            return;
        }
        // The notification log and dead letters of these records must be durable before their offsets are.
        journal.flush();
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
                    journal.flush();
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
            // An attempt in flight for a forgotten record finishes unobserved; its receiver's next head starts fresh.
            for (ReceiverQueue queue : queues.values()) {
                queue.grouper.forget(partitions);
                Grouper.Flush head = queue.queue.peekFirst();
                // A notification whose every record moved to another member is that member's to send.
                queue.queue.removeIf(flush -> !flush.covers().isEmpty()
                        && flush.covers().stream().allMatch(pending -> partitions.contains(pending.partition())));
                if (head != null && queue.queue.peekFirst() != head) {
                    queue.reset();
                }
            }
        }
    }
}
