package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.Notifier;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * One receiver's own queue of owed notifications, in consumption order, with the retry state of its
 * head. Receivers never wait for each other: each has at most one attempt in flight, on its own
 * thread, and only its own failures delay its own queue. Touched by the loop thread only.
 */
final class ReceiverQueue {

    /** The outcome of one attempt and how long it took. */
    record Attempt(dev.telemetry.alerts.notify.DeliveryResult result, long latencyNanos) {
    }

    final Notifier notifier;
    final Deque<PendingAlert> queue = new ArrayDeque<>();
    /** Consecutive failures of the head. */
    int failures;
    /** When the head may be tried (again). */
    Instant notBefore = Instant.EPOCH;
    /** When the head was first tried: the start of its maximum age. */
    Instant firstAttemptAt;
    CompletableFuture<Attempt> inFlight;

    ReceiverQueue(Notifier notifier) {
        this.notifier = notifier;
    }

    String name() {
        return notifier.name();
    }

    /** The head is settled: the next one starts fresh. */
    void next() {
        queue.removeFirst();
        failures = 0;
        notBefore = Instant.EPOCH;
        firstAttemptAt = null;
    }

    boolean idle() {
        return inFlight == null;
    }
}
