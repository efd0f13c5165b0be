package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.mute.Muter;
import dev.telemetry.alerts.mute.Muting;
import dev.telemetry.alerts.nflog.Journal;
import dev.telemetry.service.ops.ErrorReporter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's consumer loop: polls {@code telemetry.alerts}, hands each record to the
 * {@link Dispatcher}'s stages, and has {@link Offsets} commit a record's offset only once every
 * receiver has it or has refused it for good. Only a crash between a delivery and its log entry
 * repeats a notification, under the same idempotency key. Consumption pauses when
 * {@link #MAX_BACKLOG} records are unsettled.
 */
public final class DispatchLoop implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchLoop.class);

    /** Unsettled records held before consumption pauses. */
    static final int MAX_BACKLOG = 10_000;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Spacing of journal flushes while the broker is away: soon enough to notice its return within seconds. */
    private static final Duration JOURNAL_BACKOFF_INITIAL = Duration.ofMillis(500);
    private static final Duration JOURNAL_BACKOFF_MAX = Duration.ofSeconds(5);

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Dispatcher dispatcher;
    private final Muting muting;
    private final Journal journal;
    private final Clock clock;
    private final CompletableFuture<Void> stopping = new CompletableFuture<>();

    private final Offsets offsets;

    private volatile boolean running;
    private volatile int backlogSize;
    private volatile Throwable failure;
    private final ErrorReporter errors;

    /** A loop without grouping that sends one attempt per receiver at a time, so calls happen in the order they start. */
    public DispatchLoop(Consumer<String, byte[]> consumer, String topic, Router router, Backoff backoff, Duration maxAge,
                        DeliveryMetrics metrics, Journal journal, List<? extends Muter> muters, Clock clock) {
        this(consumer, topic, router, backoff, maxAge, Grouping.none(), metrics, journal, muters, clock);
    }

    /** A loop that sends one attempt per receiver at a time, so calls happen in the order they start. */
    public DispatchLoop(Consumer<String, byte[]> consumer, String topic, Router router, Backoff backoff, Duration maxAge,
                        Grouping grouping, DeliveryMetrics metrics, Journal journal, List<? extends Muter> muters, Clock clock) {
        this(consumer, topic, router, new DeliveryPolicy(backoff, maxAge, 1), grouping, metrics, journal, muters, clock);
    }

    public DispatchLoop(Consumer<String, byte[]> consumer, String topic, Router router, DeliveryPolicy policy, Grouping grouping,
                        DeliveryMetrics metrics, Journal journal, List<? extends Muter> muters, Clock clock) {
        this(consumer, topic, router, policy, grouping, metrics, journal, muters, clock, ErrorReporter.none());
    }

    /** As above, with the sink's own unexpected exceptions (a notifier's, the loop's) also going to {@code errors}. */
    public DispatchLoop(Consumer<String, byte[]> consumer, String topic, Router router, DeliveryPolicy policy, Grouping grouping,
                        DeliveryMetrics metrics, Journal journal, List<? extends Muter> muters, Clock clock,
                        ErrorReporter errors) {
        this.consumer = consumer;
        this.errors = errors;
        this.topic = topic;
        this.journal = journal;
        this.clock = clock;
        this.muting = new Muting(muters);
        this.dispatcher = new Dispatcher(router, grouping, policy, metrics, journal, muting, clock, errors);
        this.offsets = new Offsets(consumer, journal, new Backoff(JOURNAL_BACKOFF_INITIAL, JOURNAL_BACKOFF_MAX));
    }

    @Override
    public void run() {
        running = true;
        try {
            // Nothing is sent before the notification log and the silences are read: it could be a repeat, or muted.
            // Inhibition needs the alerts that fire now, including those consumed before a restart: the journal has them,
            // as it has the groups, restored with their due times as their partitions are assigned.
            if (!journal.awaitReady(stopping::isDone) || !muting.awaitReady(stopping::isDone)) {
                return;
            }
            dispatcher.restoreFiring();
            consumer.subscribe(List.of(topic), offsets.rebalanceListener(dispatcher::forget, dispatcher::restore));
            while (!stopping.isDone()) {
                step();
            }
        } catch (WakeupException e) {
            if (!stopping.isDone()) {
                failure = e;
                LOG.error("consumer woken up unexpectedly; no longer consuming {}", topic, e);
                errors.report(e, "dispatch loop");
            }
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("stopped consuming {}: {}", topic, e.toString(), e);
            errors.report(e, "dispatch loop");
        } finally {
            // First, so that health reports a stopped consumer even if closing hangs or fails.
            running = false;
            offsets.commitFinal();
            dispatcher.stop();
            try {
                consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
            } catch (RuntimeException e) {
                LOG.warn("closing the consumer failed: {}", e.toString());
            }
        }
    }

    /** One round: poll (or wait for the next retry), deliver what is due, commit what is settled. */
    void step() {
        ConsumerRecords<String, byte[]> records = consumer.poll(dispatcher.pollTimeout());
        Instant now = clock.instant();
        for (ConsumerRecord<String, byte[]> record : records) {
            offsets.consumed(dispatcher.admit(record, now));
        }
        dispatcher.pump(stopping);
        offsets.commitSettled();
        // Memory stays bounded while a receiver is down; the retry's maximum age then dead-letters the oldest.
        if (offsets.backlog() >= MAX_BACKLOG) {
            consumer.pause(consumer.assignment());
        } else if (!consumer.paused().isEmpty()) {
            consumer.resume(consumer.paused());
        }
        backlogSize = offsets.backlog();
    }

    /** Asks the loop to stop: ends a poll or retry wait at once and interrupts deliveries in flight. Any thread. */
    public void stop() {
        stopping.complete(null);
        consumer.wakeup();
        dispatcher.stop();
    }

    /** True while the loop thread is consuming. */
    public boolean running() {
        return running && failure == null;
    }

    /** False while the journal (notification log, attempts, dead letters) cannot be written; health is degraded. */
    public boolean journalWritten() {
        return offsets.journalWritten();
    }

    /** Consumed records not yet settled (owed to a receiver, or queued behind one that is). */
    public int backlogSize() {
        return backlogSize;
    }

    /** Notifications owed, per receiver: a growing number means that receiver is failing. */
    public Map<String, Integer> queueSizes() {
        Map<String, Integer> sizes = new HashMap<>();
        dispatcher.statuses().forEach((name, status) -> sizes.put(name, status.owed()));
        return Map.copyOf(sizes);
    }

    /** Each receiver's status, for {@code /health}. */
    public Map<String, ReceiverStatus> receiverStatuses() {
        return dispatcher.statuses();
    }
}
