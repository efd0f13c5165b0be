package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.inhibit.InhibitRule;
import dev.telemetry.alerts.inhibit.Inhibitor;
import dev.telemetry.alerts.mute.Muting;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.alerts.testing.MutableClock;
import dev.telemetry.alerts.testing.ScriptedNotifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.service.ops.ErrorReporter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A restart at the dispatcher's level: a new dispatcher over the journal the old one wrote repeats
 * a group at its last notification plus {@code repeat_interval}, and inhibits with the alerts that
 * fired before, without any of the alerts topic's history (issue 13).
 */
class DispatcherRestoreTest {

    private static final String TOPIC = "alerts";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final Duration REPEAT = Duration.ofMinutes(30);
    private static final Grouping GROUPING = new Grouping(List.of("alertname", "app"), Duration.ZERO, Duration.ofMinutes(1),
            REPEAT, true);

    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:10:00Z"));
    private final InMemoryJournal journal = new InMemoryJournal();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private long offset;

    private Dispatcher dispatcher(ScriptedNotifier team) {
        Inhibitor inhibitor = new Inhibitor(List.of(new InhibitRule(List.of("severity=\"critical\""),
                List.of("severity=~\"high|warning\""), List.of("app"))));
        return new Dispatcher(new Router(Map.of(), List.of("team"), Map.of("team", team)), GROUPING,
                new DeliveryPolicy(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofHours(1), 1),
                new DeliveryMetrics(registry, List.of("team")), journal, new Muting(List.of(inhibitor)), clock, ErrorReporter.none());
    }

    private static AlertEvent alert(String fingerprint, String app, String severity, AlertStatus status) {
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint, status, "HighErrorRate", "error_rate", "mean",
                Map.of("alertname", "HighErrorRate", "app", app, "severity", severity), 0.3, 0.05, "gt", severity, List.of(),
                Map.of(), Instant.parse("2024-05-01T10:00:00Z"), null, Instant.parse("2024-05-01T10:00:00Z"));
    }

    private ConsumerRecord<String, byte[]> record(AlertEvent alert) {
        return new ConsumerRecord<>(TOPIC, 0, offset++, alert.fingerprint(), JsonSerde.alert().serializer().serialize(TOPIC, alert));
    }

    private static void deliverDue(Dispatcher dispatcher, ScriptedNotifier team, int expected) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            dispatcher.pump(new CompletableFuture<>());
            return team.fingerprintsAndStatuses().size() >= expected;
        });
    }

    @Test
    void shouldRepeatAtLastNotificationPlusRepeatIntervalWhenRestartedOnTheJournal() {
        ScriptedNotifier before = new ScriptedNotifier("team");
        Dispatcher first = dispatcher(before);
        first.admit(record(alert("fp-1", "shop", "high", AlertStatus.FIRING)), clock.instant());
        deliverDue(first, before, 1);
        Instant notified = clock.instant();
        first.stop();

        clock.advance(REPEAT.minusMinutes(10)); // the restart, 20 minutes later
        ScriptedNotifier after = new ScriptedNotifier("team");
        Dispatcher second = dispatcher(after);
        second.restoreFiring();
        second.restore(List.of(P0));

        clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        second.pump(new CompletableFuture<>());
        assertThat(after.fingerprintsAndStatuses()).as("not before lastFlush + repeat_interval").isEmpty();

        clock.advance(Duration.ofSeconds(1)); // notified + repeat_interval; a restart-based timer would wait 20 minutes more
        assertThat(clock.instant()).isEqualTo(notified.plus(REPEAT));
        deliverDue(second, after, 1);
        assertThat(after.fingerprintsAndStatuses()).containsExactly("fp-1/firing");
        second.stop();
    }

    @Test
    void shouldInhibitWithTheAlertsThatFiredBeforeTheRestartWhenOnlyTheJournalIsRead() {
        ScriptedNotifier before = new ScriptedNotifier("team");
        Dispatcher first = dispatcher(before);
        first.admit(record(alert("fp-crit", "shop", "critical", AlertStatus.FIRING)), clock.instant());
        first.admit(record(alert("fp-gone", "cart", "critical", AlertStatus.FIRING)), clock.instant());
        first.admit(record(alert("fp-gone", "cart", "critical", AlertStatus.RESOLVED)), clock.instant());
        deliverDue(first, before, 2);
        first.stop();
        assertThat(journal.firing()).extracting(AlertEvent::fingerprint).containsExactly("fp-crit");

        ScriptedNotifier after = new ScriptedNotifier("team");
        Dispatcher second = dispatcher(after);
        second.restoreFiring();
        second.restore(List.of(P0));
        second.admit(record(alert("fp-shop-high", "shop", "high", AlertStatus.FIRING)), clock.instant());
        second.admit(record(alert("fp-cart-high", "cart", "high", AlertStatus.FIRING)), clock.instant());
        clock.advance(GROUPING.groupInterval()); // the restored cart group was notified just now: group_interval still holds
        deliverDue(second, after, 1);

        assertThat(after.fingerprintsAndStatuses()).containsExactly("fp-cart-high/firing");
        assertThat(registry.get("alerts.skipped").tag("reason", "inhibited").counter().count()).isEqualTo(1.0);
        second.stop();
    }
}
