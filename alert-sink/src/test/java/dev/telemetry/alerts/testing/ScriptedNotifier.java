package dev.telemetry.alerts.testing;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/** A receiver double that answers from a script (then delivered) and records what it was sent. */
public final class ScriptedNotifier implements Notifier {

    /** One call as received. */
    public record Call(AlertEvent alert, String idempotencyKey) {
    }

    private final String name;
    private final ConcurrentLinkedQueue<DeliveryResult> script = new ConcurrentLinkedQueue<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger inside = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostAtOnce = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(0);

    public ScriptedNotifier(String name, DeliveryResult... results) {
        this.name = name;
        script.addAll(List.of(results));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
        calls.add(new Call(alert, idempotencyKey));
        mostAtOnce.accumulateAndGet(inside.incrementAndGet(), Math::max);
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inside.decrementAndGet();
        }
        DeliveryResult next = script.poll();
        return next == null ? DeliveryResult.delivered() : next;
    }

    /** Holds every call until {@code gate} opens: a slow receiver. */
    public ScriptedNotifier holdUntil(java.util.concurrent.CountDownLatch gate) {
        this.gate = gate;
        return this;
    }

    /** Calls being held now. */
    public int inFlight() {
        return inside.get();
    }

    /** The most calls ever held at once. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    public List<Call> calls() {
        return new ArrayList<>(calls);
    }

    public List<String> fingerprintsAndStatuses() {
        return calls.stream().map(c -> c.alert().fingerprint() + "/" + c.alert().status().wireName()).toList();
    }
}
