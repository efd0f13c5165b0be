package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.nflog.Dedup;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.alerts.testing.ScriptedNotifier;
import dev.telemetry.alerts.testing.ThrowingNotifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.service.ops.ErrorReporter;
import dev.telemetry.service.testing.FakeSentry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The sink's own unexpected exceptions reach Sentry (the local stand-in, found through a real {@code SENTRY_DSN}),
 * as the other services' do: here a notifier that throws instead of classifying its receiver's answer.
 */
class SinkErrorReportingTest {

    @Test
    void shouldReportTheExceptionToSentryWhenANotifierThrows() {
        ExecutorService deliveries = Executors.newCachedThreadPool();
        try (FakeSentry sentry = new FakeSentry()) {
            // Given a receiver queue reporting to the stand-in Sentry and a notifier with a bug
            ErrorReporter errors = ErrorReporter.fromEnvironment(Map.of("SENTRY_DSN", sentry.dsn(7)), "alert-sink", "test");
            Notifier broken = new ThrowingNotifier("team", "notifier bug for sentry");
            InMemoryJournal journal = new InMemoryJournal();
            ReceiverQueue queue = new ReceiverQueue(broken, Grouping.none(),
                    new DeliveryPolicy(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofHours(1), 1),
                    new Dedup(journal, true), journal, new DeliveryMetrics(new SimpleMeterRegistry(), List.of("team")),
                    deliveries, errors);
            AlertEvent alert = Alerts.firing("fp-1", List.of());
            PendingAlert pending = PendingAlert.deliver(new TopicPartition("alerts", 0), 0, alert,
                    List.of(new ScriptedNotifier("team")));

            // When it delivers one alert
            queue.add(alert, pending, Instant.now());
            queue.pump(Instant.now());
            CompletableFuture.allOf(queue.inFlight().toArray(CompletableFuture[]::new)).join();
            queue.pump(Instant.now());
            errors.close();

            // Then the alert is dead-lettered, and Sentry got the exception as the sink's, tagged with the receiver
            assertThat(pending.done()).isTrue();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    sentry.envelopes().stream().anyMatch(e -> e.contains("notifier bug for sentry")));
            assertThat(sentry.envelopes()).filteredOn(e -> e.contains("notifier bug for sentry")).singleElement().asString()
                    .startsWith("/api/7/envelope/").contains("alert-sink@test").contains("receiver team");
        } finally {
            deliveries.shutdownNow();
        }
    }
}
