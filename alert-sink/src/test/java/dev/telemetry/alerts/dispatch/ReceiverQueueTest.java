package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.nflog.Dedup;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.alerts.testing.MutableClock;
import dev.telemetry.alerts.testing.ScriptedNotifier;
import dev.telemetry.alerts.testing.ThrowingNotifier;
import dev.telemetry.events.derived.AlertEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One receiver's lanes without Kafka: retry, backoff and dead-lettering per group, order within a group. */
class ReceiverQueueTest {

    private static final TopicPartition P0 = new TopicPartition("alerts", 0);
    private static final Duration INITIAL = Duration.ofSeconds(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:10:00Z"));
    private final InMemoryJournal journal = new InMemoryJournal();
    private final ExecutorService deliveries = Executors.newCachedThreadPool();
    private long offset;

    @AfterEach
    void stop() {
        deliveries.shutdownNow();
    }

    private final List<String> reported = new CopyOnWriteArrayList<>();

    private ReceiverQueue queue(Notifier notifier, Duration maxAge) {
        DeliveryPolicy policy = new DeliveryPolicy(new Backoff(INITIAL, Duration.ofSeconds(30), () -> 0.999_999_999), maxAge, 1);
        return new ReceiverQueue(notifier, Grouping.none(), policy, new Dedup(journal, true), journal,
                new DeliveryMetrics(new SimpleMeterRegistry(), List.of(notifier.name())), deliveries,
                (error, where) -> reported.add(where + ": " + error.getMessage()));
    }

    private PendingAlert add(ReceiverQueue queue, AlertEvent alert) {
        PendingAlert pending = PendingAlert.deliver(P0, offset++, alert, List.of(new ScriptedNotifier("team")));
        queue.add(alert, pending, clock.instant());
        return pending;
    }

    /** Pumps until no attempt is in flight: what the loop does within one step. */
    private static void pump(ReceiverQueue queue, Instant now) {
        queue.pump(now);
        while (!queue.inFlight().isEmpty()) {
            CompletableFuture.allOf(queue.inFlight().toArray(CompletableFuture[]::new)).join();
            queue.pump(now);
        }
    }

    @Test
    void shouldSendOtherGroupsAndKeepTheGroupsOrderWhenOneGroupIsInBackoff() {
        ScriptedNotifier team = new ScriptedNotifier("team", new DeliveryResult.Retryable("HTTP 500"));
        ReceiverQueue queue = queue(team, Duration.ofHours(1));
        PendingAlert firing = add(queue, Alerts.firing("fp-1", List.of()));
        PendingAlert resolved = add(queue, Alerts.resolved("fp-1", List.of()));
        PendingAlert other = add(queue, Alerts.firing("fp-2", List.of()));

        pump(queue, clock.instant());

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-1/firing", "fp-2/firing");
        assertThat(other.done()).isTrue();
        assertThat(firing.done()).isFalse();
        assertThat(resolved.done()).isFalse();
        assertThat(queue.status().state()).isEqualTo("retrying");
        assertThat(queue.status().owed()).isEqualTo(2);
        Instant now = clock.instant();
        assertThat(queue.nextDue(now)).as("the retry, within the first backoff step")
                .hasValueSatisfying(at -> assertThat(at).isAfter(now).isBeforeOrEqualTo(now.plus(INITIAL)));

        clock.advance(INITIAL);
        pump(queue, clock.instant());

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-1/firing", "fp-2/firing", "fp-1/firing", "fp-1/resolved");
        assertThat(firing.done()).isTrue();
        assertThat(resolved.done()).isTrue();
        assertThat(queue.status()).isEqualTo(new ReceiverStatus(0, 0, "delivered", "", clock.instant()));
    }

    @Test
    void shouldDeadLetterAndReportTheExceptionWhenANotifierThrows() {
        Notifier broken = new ThrowingNotifier("team", "bug in the notifier");
        ReceiverQueue queue = queue(broken, Duration.ofHours(1));
        PendingAlert failing = add(queue, Alerts.firing("fp-1", List.of()));

        pump(queue, clock.instant());

        assertThat(failing.done()).isTrue();
        assertThat(journal.deadLetters()).singleElement().satisfies(letter ->
                assertThat(letter.reason()).contains("notifier failed: IllegalStateException"));
        assertThat(reported).containsExactly("receiver team: bug in the notifier");
    }

    @Test
    void shouldDeadLetterOnlyTheFailingGroupWhenItOutlivesTheMaximumAge() {
        ScriptedNotifier team = new ScriptedNotifier("team", new DeliveryResult.Retryable("HTTP 503"),
                new DeliveryResult.Retryable("HTTP 503"));
        ReceiverQueue queue = queue(team, Duration.ofSeconds(1));
        PendingAlert failing = add(queue, Alerts.firing("fp-1", List.of()));

        pump(queue, clock.instant());
        clock.advance(INITIAL);
        pump(queue, clock.instant());

        assertThat(failing.done()).isTrue();
        assertThat(journal.deadLetters()).singleElement().satisfies(letter ->
                assertThat(letter.reason()).isEqualTo("gave up after 1000 ms and 2 attempts; last: HTTP 503"));
        assertThat(journal.delivered("team", "fp-1:firing:2024-05-01T10:00:00Z")).isFalse();
    }
}
