package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.nflog.AttemptRecord;
import dev.telemetry.alerts.nflog.DeadLetter;
import dev.telemetry.alerts.nflog.Dedup;
import dev.telemetry.alerts.nflog.Journal;
import dev.telemetry.alerts.nflog.NotificationLogEntry;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.GroupSummary;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.service.ops.ErrorReporter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receiver's delivery: its aggregation groups, and one lane per group holding that group's
 * notifications in order with the retry state of the lane's head. As in Alertmanager, each group
 * retries on its own: a notification waiting out its backoff holds only its own group, while the
 * receiver's other groups go on, at most {@link DeliveryPolicy#maxInFlight()} attempts at a time.
 * It owns retry, backoff, dead-lettering and the attempts in flight; the loop thread drives it.
 * Beyond the receiver's storm limit ({@link DeliveryPolicy#stormLimit()}) a due notification is
 * folded instead of queued: recorded on the delivery log as {@code folded}, and told with the others
 * folded with it in one storm notification (its own lane), which settles their records.
 */
final class ReceiverQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiverQueue.class);

    /** The outcome on {@code telemetry.notifications} of a notification folded into a storm notification. */
    static final String FOLDED = "folded";
    /** How many held groups a storm notification names; the rest are counted. */
    static final int STORM_EXAMPLES = 10;
    /** The storm notification's lane: no aggregation group has this id. */
    private static final String STORM_LANE = "storm";

    /** The outcome of one attempt and how long it took. */
    private record Attempt(DeliveryResult result, long latencyNanos) {
    }

    /** One group's notifications, in the order they became due, and the retry state of the head. */
    private static final class Lane {
        final Deque<Grouper.Flush> flushes = new ArrayDeque<>();
        /** What the head sends: its alerts minus those the receiver already has. */
        Notification current;
        /** Consecutive failures of the head. */
        int failures;
        /** When the head may be tried (again). */
        Instant notBefore = Instant.EPOCH;
        /** When the head was first tried: the start of its maximum age. */
        Instant firstAttemptAt;
        CompletableFuture<Attempt> inFlight;

        /** The head is settled: the next one starts fresh. */
        void next() {
            flushes.removeFirst();
            reset();
        }

        void reset() {
            current = null;
            failures = 0;
            notBefore = Instant.EPOCH;
            firstAttemptAt = null;
            inFlight = null;
        }
    }

    private final Notifier notifier;
    private final Grouper grouper;
    private final DeliveryPolicy policy;
    private final Dedup dedup;
    private final Journal journal;
    private final DeliveryMetrics metrics;
    private final ExecutorService deliveries;
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private final StormLimiter<Grouper.Flush> storm;
    /** Where a notifier's exception goes besides the log: it is our bug, not the receiver's answer. */
    private final ErrorReporter errors;
    private String lastOutcome;
    private String lastReason;
    private Instant lastAttemptAt;
    private Instant lastPumpAt;
    /** Published for other threads ({@code /health}); the rest is the loop thread's. */
    private volatile ReceiverStatus status = new ReceiverStatus(0, 0, null, null, null);

    ReceiverQueue(Notifier notifier, Grouping grouping, DeliveryPolicy policy, Dedup dedup, Journal journal,
                  DeliveryMetrics metrics, ExecutorService deliveries, ErrorReporter errors) {
        this.notifier = notifier;
        this.errors = errors;
        this.grouper = new Grouper(notifier.name(), grouping, journal);
        this.policy = policy;
        this.dedup = dedup;
        this.journal = journal;
        this.metrics = metrics;
        this.deliveries = deliveries;
        this.storm = new StormLimiter<>(policy.stormLimit(), policy.stormWait());
    }

    String name() {
        return notifier.name();
    }

    /** Adds an alert to its group; {@code pending} is settled by the notification that carries it. */
    void add(AlertEvent alert, PendingAlert pending, Instant now) {
        grouper.add(alert, pending, now);
        // Due at once without group_wait, so that alerts keep their order in their lane.
        enqueue(now);
    }

    /** Settles finished attempts and starts due ones, up to the receiver's bound of attempts in flight. */
    void pump(Instant now) {
        lastPumpAt = now;
        enqueue(now);
        for (Lane lane : lanes.values()) {
            if (lane.inFlight != null && lane.inFlight.isDone()) {
                Attempt attempt = lane.inFlight.join();
                lane.inFlight = null;
                settle(lane, attempt, now);
            }
        }
        int busy = inFlight().size();
        for (Lane lane : lanes.values()) {
            if (busy >= policy.maxInFlight()) {
                break;
            }
            if (lane.inFlight == null && start(lane, now)) {
                busy++;
            }
        }
        lanes.values().removeIf(lane -> lane.flushes.isEmpty() && lane.inFlight == null);
        publish();
    }

    /** The attempts in flight, to wait on. */
    List<CompletableFuture<?>> inFlight() {
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        lanes.values().stream().filter(lane -> lane.inFlight != null).forEach(lane -> inFlight.add(lane.inFlight));
        return inFlight;
    }

    /** When there is next something to start or flush, attempts in flight aside; empty with nothing waiting. */
    Optional<Instant> nextDue(Instant now) {
        Instant next = grouper.nextDue().orElse(null);
        Instant stormDue = storm.nextDue().orElse(null);
        next = next == null || stormDue != null && stormDue.isBefore(next) ? stormDue : next;
        if (inFlight().size() < policy.maxInFlight()) {
            for (Lane lane : lanes.values()) {
                if (lane.inFlight == null && !lane.flushes.isEmpty()) {
                    Instant at = lane.current == null ? now : lane.notBefore;
                    next = next == null || at.isBefore(next) ? at : next;
                }
            }
        }
        return Optional.ofNullable(next);
    }

    /** Takes back this receiver's aggregation groups as the journal recorded them (see {@link Grouper#restore}). */
    void restore(Collection<dev.telemetry.alerts.nflog.GroupSlice> slices) {
        grouper.restore(slices);
    }

    /** Forgets records of partitions this member no longer owns; their new owner notifies them. */
    void forget(Collection<TopicPartition> partitions) {
        grouper.forget(partitions);
        for (Lane lane : lanes.values()) {
            Grouper.Flush head = lane.flushes.peekFirst();
            // A notification whose every record moved to another member is that member's to send.
            lane.flushes.removeIf(flush -> !flush.covers().isEmpty()
                    && flush.covers().stream().allMatch(pending -> partitions.contains(pending.partition())));
            if (head != null && lane.flushes.peekFirst() != head) {
                // An attempt in flight for a forgotten record finishes unobserved; the lane's next head starts fresh.
                lane.reset();
            }
        }
        lanes.values().removeIf(lane -> lane.flushes.isEmpty() && lane.inFlight == null);
        publish();
    }

    ReceiverStatus status() {
        return status;
    }

    private void enqueue(Instant now) {
        for (Grouper.Flush flush : grouper.due(now)) {
            if (storm.admit(now)) {
                lane(flush);
            } else {
                fold(flush, now);
            }
        }
        storm.due(now).ifPresent(folded -> lane(stormFlush(folded)));
    }

    private void lane(Grouper.Flush flush) {
        lanes.computeIfAbsent(flush.group(), group -> new Lane()).flushes.addLast(flush);
    }

    /** Holds a notification over the storm limit for the storm notification; the delivery log says so at once. */
    private void fold(Grouper.Flush flush, Instant now) {
        Notification notification = flush.notification();
        metrics.folded(name());
        journal.attempted(new AttemptRecord(name(), notification.idempotencyKey(), fingerprints(notification),
                notification.alerts().get(0).rule(), notification.status().wireName(), 0, FOLDED,
                "over the storm limit of " + storm.limit() + " a minute: held for the storm notification", 0, now));
        storm.fold(flush, now);
    }

    /** One notification of every alert folded since the last storm notification, settling all their records. */
    private Grouper.Flush stormFlush(List<Grouper.Flush> folded) {
        Map<String, AlertEvent> alerts = new LinkedHashMap<>();
        List<PendingAlert> covers = new ArrayList<>();
        java.util.Set<String> groups = new java.util.LinkedHashSet<>();
        for (Grouper.Flush flush : folded) {
            flush.notification().alerts().forEach(alert -> alerts.put(alert.fingerprint(), alert));
            covers.addAll(flush.covers());
            groups.add(GroupSummary.labelText(flush.notification().groupLabels()));
        }
        List<String> examples = groups.stream().limit(STORM_EXAMPLES).toList();
        Notification.Storm held = new Notification.Storm(name(), storm.limit(), groups.size(), examples, policy.stormSeeAt());
        LOG.warn("receiver {} over its storm limit of {} a minute: {} group(s) with {} alert(s) told in one storm notification",
                name(), storm.limit(), groups.size(), alerts.size());
        return new Grouper.Flush(STORM_LANE, Notification.storm(held, new ArrayList<>(alerts.values())), covers, false);
    }

    private static String fingerprints(Notification notification) {
        return String.join(",", notification.alerts().stream().map(AlertEvent::fingerprint).toList());
    }

    /** Starts an attempt for the lane's head if it is due, first dropping heads nobody needs sent. */
    private boolean start(Lane lane, Instant now) {
        while (!lane.flushes.isEmpty() && lane.current == null) {
            Grouper.Flush head = lane.flushes.peekFirst();
            Dedup.Result needed = dedup.needed(name(), head.notification(), head.repeat());
            count(DeliveryMetrics.Skip.DUPLICATE, needed.duplicates());
            count(DeliveryMetrics.Skip.RESOLVED_UNNOTIFIED, needed.resolvedUnnotified());
            if (needed.left().isPresent()) {
                lane.current = needed.left().get();
                break;
            }
            head.covers().forEach(pending -> pending.settled(name()));
            lane.next();
        }
        if (lane.current == null || lane.notBefore.isAfter(now)) {
            return false;
        }
        if (lane.firstAttemptAt == null) {
            lane.firstAttemptAt = now;
        }
        Notification notification = lane.current;
        try {
            lane.inFlight = CompletableFuture.supplyAsync(() -> deliver(notification), deliveries);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // stopping
        }
    }

    private void count(DeliveryMetrics.Skip reason, int times) {
        for (int i = 0; i < times; i++) {
            metrics.skipped(reason);
        }
    }

    private Attempt deliver(Notification notification) {
        long started = System.nanoTime();
        DeliveryResult result;
        try {
            result = notifier.deliver(notification);
        } catch (RuntimeException e) {
            // A notifier bug would repeat on every retry; blocking the group on it is worse than dead-lettering this one.
            LOG.error("receiver {} threw while delivering {}", name(), notification.groupKey(), e);
            errors.report(e, "receiver " + name());
            result = new DeliveryResult.Permanent("notifier failed: " + e.getClass().getSimpleName());
        }
        return new Attempt(result, System.nanoTime() - started);
    }

    private void settle(Lane lane, Attempt attempt, Instant now) {
        Grouper.Flush head = lane.flushes.peekFirst();
        Notification notification = lane.current;
        DeliveryResult result = attempt.result();
        metrics.attempted(name(), result, Duration.ofNanos(attempt.latencyNanos()));
        String reason = result instanceof DeliveryResult.Retryable r ? r.reason()
                : result instanceof DeliveryResult.Permanent p ? p.reason() : "";
        String fingerprints = fingerprints(notification);
        String what = notification.status().wireName() + " " + notification.alerts().get(0).rule()
                + (notification.alerts().size() > 1 ? " and " + (notification.alerts().size() - 1) + " more" : "");
        journal.attempted(new AttemptRecord(name(), notification.idempotencyKey(), fingerprints,
                notification.alerts().get(0).rule(), notification.status().wireName(), lane.failures + 1, result.outcome(), reason,
                attempt.latencyNanos() / 1_000_000, now));
        lastOutcome = result.outcome();
        lastReason = reason;
        lastAttemptAt = now;
        if (result instanceof DeliveryResult.Delivered) {
            LOG.debug("delivered {} to {}", what, name());
            journal.delivered(new NotificationLogEntry(name(), notification.idempotencyKey(), fingerprints,
                    notification.status().wireName(), now));
            if (!head.repeat()) {
                for (AlertEvent alert : notification.alerts()) {
                    journal.delivered(new NotificationLogEntry(name(), Notifier.idempotencyKey(alert), alert.fingerprint(),
                            alert.status().wireName(), now));
                }
            }
            head.covers().forEach(pending -> pending.settled(name()));
            lane.next();
        } else if (result instanceof DeliveryResult.Retryable retryable) {
            lane.failures++;
            if (!Duration.between(lane.firstAttemptAt, now).minus(policy.maxAge()).isNegative()) {
                metrics.failed(name(), DeliveryMetrics.FailureReason.MAX_AGE);
                deadLetter(lane, head, "gave up after " + policy.maxAge().toMillis() + " ms and " + lane.failures
                        + " attempts; last: " + retryable.reason(), now);
                return;
            }
            Duration wait = policy.backoff().delay(lane.failures, retryable.retryAfter());
            lane.notBefore = now.plus(wait);
            LOG.warn("delivery of {} [{}] to {} failed (attempt {}), retrying in {} ms: {}", what, fingerprints, name(),
                    lane.failures, wait.toMillis(), retryable.reason());
        } else if (result instanceof DeliveryResult.Permanent permanent) {
            lane.failures++;
            deadLetter(lane, head, permanent.reason(), now);
        }
    }

    private void deadLetter(Lane lane, Grouper.Flush head, String reason, Instant now) {
        Notification notification = lane.current;
        LOG.error("delivery of {} alert(s) of {} to {} failed for good, sent to the dead-letter topic: {}",
                notification.alerts().size(), notification.groupKey(), name(), reason);
        String source = head.covers().isEmpty() ? "repeat" : head.covers().get(0).toString();
        for (AlertEvent alert : notification.alerts()) {
            journal.deadLettered(new DeadLetter(name(), reason, Notifier.idempotencyKey(alert), lane.failures,
                    lane.firstAttemptAt, now, source, alert));
        }
        head.covers().forEach(pending -> pending.settled(name()));
        lane.next();
    }

    private void publish() {
        int owed = lanes.values().stream().mapToInt(lane -> lane.flushes.size()).sum();
        int failures = lanes.values().stream().mapToInt(lane -> lane.failures).max().orElse(0);
        boolean inStorm = lastPumpAt != null && storm.active(lastPumpAt) || storm.nextDue().isPresent();
        metrics.storm(name(), inStorm);
        status = new ReceiverStatus(owed, failures, lastOutcome, lastReason, lastAttemptAt, inStorm);
    }
}
