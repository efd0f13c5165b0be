package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * One receiver's own aggregation groups and queue of notifications, in the order they became due,
 * with the retry state of its head. Receivers never wait for each other: each has at most one
 * attempt in flight, on its own thread, and only its own failures delay its own queue. Touched by
 * the loop thread only.
 */
final class ReceiverQueue {

    /** The outcome of one attempt and how long it took. */
    record Attempt(dev.telemetry.alerts.notify.DeliveryResult result, long latencyNanos) {
    }

    final Notifier notifier;
    final Grouper grouper;
    final Deque<Grouper.Flush> queue = new ArrayDeque<>();
    /** What the head sends: its alerts minus those this receiver already has. */
    Notification current;
    /** Consecutive failures of the head. */
    int failures;
    /** When the head may be tried (again). */
    Instant notBefore = Instant.EPOCH;
    /** When the head was first tried: the start of its maximum age. */
    Instant firstAttemptAt;
    CompletableFuture<Attempt> inFlight;

    ReceiverQueue(Notifier notifier, Grouping grouping) {
        this.notifier = notifier;
        this.grouper = new Grouper(grouping);
    }

    String name() {
        return notifier.name();
    }

    /** The head is settled: the next one starts fresh. */
    void next() {
        queue.removeFirst();
        reset();
    }

    void reset() {
        current = null;
        failures = 0;
        notBefore = Instant.EPOCH;
        firstAttemptAt = null;
        inFlight = null;
    }

    boolean idle() {
        return inFlight == null;
    }
}
