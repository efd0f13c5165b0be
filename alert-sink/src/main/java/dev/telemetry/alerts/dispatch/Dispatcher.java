package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.mute.Mute;
import dev.telemetry.alerts.mute.Muting;
import dev.telemetry.alerts.nflog.DeadLetter;
import dev.telemetry.alerts.nflog.Dedup;
import dev.telemetry.alerts.nflog.Journal;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.service.ops.ErrorReporter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's stages between a consumed record and its receivers, as Alertmanager chains them:
 * {@link Admission} → {@link Muting} (silences, inhibition) → {@link Router} → per receiver a
 * {@link ReceiverQueue} (grouping, {@link Dedup} against the notification log, retry, notify).
 * Driven by the loop thread; only the deliveries themselves run on other threads.
 */
final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    /** Poll timeout with nothing to retry; {@code wakeup()} ends it early, so it only bounds idle wake-ups. */
    static final Duration IDLE_POLL = Duration.ofSeconds(1);
    /** Poll timeout while attempts are in flight: how soon a finished attempt is noticed. */
    static final Duration BUSY_POLL = Duration.ofMillis(50);
    /** How long one pump waits for attempts in flight before it polls again. */
    static final Duration SETTLE_WAIT = Duration.ofMillis(200);
    /** Longest stretch of deliveries between two polls, well inside {@code max.poll.interval.ms}. */
    static final Duration STEP_BUDGET = Duration.ofSeconds(10);

    private final Admission admission = new Admission();
    private final Muting muting;
    private final Router router;
    private final DeliveryMetrics metrics;
    private final Journal journal;
    private final Clock clock;
    private final ExecutorService deliveries = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "alert-delivery");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, ReceiverQueue> queues = new LinkedHashMap<>();
    /** The alerts that fire, as recorded in the journal for inhibition after a restart; by fingerprint. */
    private final Map<String, AlertEvent> firing = new java.util.HashMap<>();

    Dispatcher(Router router, Grouping grouping, DeliveryPolicy policy, DeliveryMetrics metrics, Journal journal, Muting muting,
               Clock clock, ErrorReporter errors) {
        this.router = router;
        this.metrics = metrics;
        this.journal = journal;
        this.muting = muting;
        this.clock = clock;
        Dedup dedup = new Dedup(journal, grouping.sendResolved());
        for (Notifier notifier : router.receivers()) {
            queues.put(notifier.name(), new ReceiverQueue(notifier, grouping, policy, dedup, journal, metrics, deliveries,
                    errors));
        }
    }

    /**
     * Lets the muters learn which alerts fire from the journal (what any instance recorded before a
     * restart), instead of reading the alerts topic from its beginning. Call once the journal is ready.
     */
    void restoreFiring() {
        for (AlertEvent alert : journal.firing()) {
            firing.put(alert.fingerprint(), alert);
            muting.observe(alert);
        }
        LOG.info("{} firing alert(s) restored for inhibition", firing.size());
    }

    /** Takes back the aggregation groups of newly assigned partitions as the journal recorded them. */
    void restore(Collection<TopicPartition> partitions) {
        java.util.Set<Integer> assigned = new java.util.HashSet<>();
        partitions.forEach(p -> assigned.add(p.partition()));
        List<dev.telemetry.alerts.nflog.GroupSlice> slices = journal.groups().stream()
                .filter(slice -> assigned.contains(slice.partition())).toList();
        queues.values().forEach(queue -> queue.restore(slices));
        if (!slices.isEmpty()) {
            LOG.info("restored {} group slice(s) of partitions {}", slices.size(), partitions);
        }
    }

    /** Lets the muters learn from {@code alert}, and records in the journal when it starts or stops firing. */
    private void observe(AlertEvent alert) {
        muting.observe(alert);
        if (alert.status() == AlertStatus.FIRING) {
            if (!alert.equals(firing.put(alert.fingerprint(), alert))) {
                journal.firing(alert.fingerprint(), alert);
            }
        } else if (firing.remove(alert.fingerprint()) != null) {
            journal.firing(alert.fingerprint(), null);
        }
    }

    /** Takes one consumed record through admission, muting and routing onto the receivers' queues. */
    PendingAlert admit(ConsumerRecord<String, byte[]> record, Instant now) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        Admission.Decision decision = admission.admit(record.topic(), record.value());
        AlertEvent alert = decision.alert();
        if (decision instanceof Admission.Skip skip) {
            metrics.skipped(skip.reason());
            if (skip.deadLetter() != null) {
                String source = record.topic() + "-" + record.partition() + "@" + record.offset();
                LOG.warn("skipping {}: {}", source, skip.deadLetter());
                journal.deadLettered(new DeadLetter(null, skip.deadLetter(), null, 0, now, now, source, alert));
            } else if (alert != null) {
                observe(alert);
                LOG.debug("not notifying {} alert {} [{}]", alert.status().wireName(), alert.rule(), alert.fingerprint());
            }
            return PendingAlert.skip(partition, record.offset());
        }
        observe(alert);
        Optional<Mute> mute = muting.muted(alert, now);
        if (mute.isPresent()) {
            metrics.skipped(DeliveryMetrics.Skip.of(mute.get().kind()));
            LOG.info("not notifying {} [{}]: {}", alert.rule(), alert.fingerprint(), mute.get().reason());
            return PendingAlert.skip(partition, record.offset());
        }
        List<Notifier> receivers = router.route(alert);
        if (receivers.isEmpty()) {
            metrics.skipped(DeliveryMetrics.Skip.UNROUTED);
            LOG.warn("no receiver for {} alert {} (channels {}): configure default-receivers or a route",
                    alert.status().wireName(), alert.rule(), alert.channels());
            return PendingAlert.skip(partition, record.offset());
        }
        PendingAlert pending = PendingAlert.deliver(partition, record.offset(), alert, receivers);
        receivers.forEach(receiver -> queues.get(receiver.name()).add(alert, pending, now));
        return pending;
    }

    /**
     * Settles finished attempts and starts due ones, receiver by receiver, until nothing is in
     * flight, nothing finished within {@link #SETTLE_WAIT}, the step budget is spent, or {@code stopping} completes.
     */
    void pump(CompletableFuture<Void> stopping) {
        long deadline = System.nanoTime() + STEP_BUDGET.toNanos();
        while (!stopping.isDone()) {
            queues.values().forEach(queue -> queue.pump(clock.instant()));
            List<CompletableFuture<?>> inFlight = new java.util.ArrayList<>();
            queues.values().forEach(queue -> inFlight.addAll(queue.inFlight()));
            if (inFlight.isEmpty() || System.nanoTime() - deadline > 0) {
                return;
            }
            inFlight.add(stopping);
            try {
                CompletableFuture.anyOf(inFlight.toArray(CompletableFuture[]::new)).get(SETTLE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return; // slow receivers: poll, and look again next step
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                // Attempts catch everything a notifier throws; nothing else completes exceptionally.
            }
        }
    }

    /** How long the next poll may wait: until the next retry or group flush, briefly while attempts are in flight. */
    Duration pollTimeout() {
        Instant now = clock.instant();
        Duration wait = IDLE_POLL;
        for (ReceiverQueue queue : queues.values()) {
            if (!queue.inFlight().isEmpty()) {
                wait = min(wait, BUSY_POLL);
            }
            Optional<Instant> due = queue.nextDue(now);
            if (due.isPresent()) {
                Duration until = Duration.between(now, due.get());
                wait = min(wait, until.isNegative() ? Duration.ZERO : until);
            }
        }
        return wait;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Drops the work of partitions this member no longer owns. */
    void forget(Collection<TopicPartition> partitions) {
        queues.values().forEach(queue -> queue.forget(partitions));
    }

    /** Each receiver's status, by name; safe from any thread. */
    Map<String, ReceiverStatus> statuses() {
        Map<String, ReceiverStatus> result = new TreeMap<>();
        queues.forEach((name, queue) -> result.put(name, queue.status()));
        return result;
    }

    /** Interrupts deliveries in flight and refuses new ones. Any thread. */
    void stop() {
        deliveries.shutdownNow();
    }
}
