package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.inhibit.InhibitRule;
import dev.telemetry.alerts.mute.Muter;
import dev.telemetry.alerts.inhibit.Inhibitor;
import dev.telemetry.alerts.silence.Matcher;
import dev.telemetry.alerts.silence.Silence;
import dev.telemetry.alerts.silence.Silencer;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.alerts.testing.MutableClock;
import dev.telemetry.alerts.testing.ScriptedNotifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.serde.JsonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The loop's delivery and commit rules, one step at a time against Kafka's {@link MockConsumer} and a
 * clock the test moves; the real broker is exercised by {@code AlertSinkIntegrationTest}.
 */
class DispatchLoopTest {

    private static final String TOPIC = "alerts";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final Duration INITIAL = Duration.ofSeconds(1);
    private static final Duration MAX_AGE = Duration.ofMinutes(10);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:10:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InMemoryJournal journal = new InMemoryJournal();
    private long nextOffset;

    DispatchLoopTest() {
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
    }

    private DispatchLoop loop(List<String> defaults, Notifier... notifiers) {
        return loop(List.of(), defaults, notifiers);
    }

    private DispatchLoop loop(List<Muter> muters, List<String> defaults, Notifier... notifiers) {
        Map<String, Notifier> byName = new LinkedHashMap<>();
        for (Notifier notifier : notifiers) {
            byName.put(notifier.name(), notifier);
        }
        // Jitter pinned to its top so that each wait is exactly the exponential step.
        Backoff backoff = new Backoff(INITIAL, Duration.ofSeconds(30), () -> 0.999_999_999);
        return new DispatchLoop(consumer, TOPIC, new Router(Map.of(), defaults, byName), backoff, MAX_AGE,
                new DeliveryMetrics(registry, byName.keySet()), journal, muters, clock);
    }

    private void produce(AlertEvent alert) {
        produce(JsonSerde.alert().serializer().serialize(TOPIC, alert));
    }

    private void produce(byte[] value) {
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, nextOffset++, "key", value));
    }

    private Long committed() {
        OffsetAndMetadata offset = consumer.committed(Set.of(P0)).get(P0);
        return offset == null ? null : offset.offset();
    }

    private double count(String receiver, String outcome) {
        return registry.get("alerts.notifications").tags("receiver", receiver, "outcome", outcome).counter().count();
    }

    @Test
    void shouldDeliverInOrderAndCommitWhenTheReceiverAccepts() {
        ScriptedNotifier team = new ScriptedNotifier("team");
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));
        produce(Alerts.resolved("fp-1", List.of()));

        loop.step();

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-1/firing", "fp-1/resolved");
        assertThat(committed()).isEqualTo(2L);
        assertThat(count("team", "delivered")).isEqualTo(2.0);
        assertThat(consumer.paused()).isEmpty();
        assertThat(loop.backlogSize()).isZero();
    }

    @Test
    void shouldRetryWithTheSameKeyAndCommitOnlyAfterSuccessWhenTheReceiverFailsTransiently() {
        ScriptedNotifier team = new ScriptedNotifier("team",
                new DeliveryResult.Retryable("HTTP 503"), new DeliveryResult.Retryable("HTTP 503"));
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));

        loop.step();
        assertThat(team.calls()).hasSize(1);
        assertThat(committed()).isNull();
        assertThat(consumer.paused()).as("consumption goes on while one receiver retries").isEmpty();

        loop.step();
        assertThat(team.calls()).as("not due before the backoff ends").hasSize(1);

        clock.advance(INITIAL);
        loop.step();
        assertThat(team.calls()).hasSize(2);
        assertThat(committed()).isNull();

        clock.advance(INITIAL.multipliedBy(2));
        loop.step();
        assertThat(team.calls()).hasSize(3).extracting(ScriptedNotifier.Call::idempotencyKey).containsOnly(
                "fp-1:firing:2024-05-01T10:00:00Z");
        assertThat(committed()).isEqualTo(1L);
        assertThat(consumer.paused()).isEmpty();
        assertThat(count("team", "retryable")).isEqualTo(2.0);
        assertThat(count("team", "delivered")).isEqualTo(1.0);
    }

    @Test
    void shouldWaitAsLongAsTheReceiverAsksWhenItSendsRetryAfter() {
        ScriptedNotifier team = new ScriptedNotifier("team",
                new DeliveryResult.Retryable("HTTP 429", Optional.of(Duration.ofSeconds(20))));
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));

        loop.step();
        clock.advance(Duration.ofSeconds(19));
        loop.step();
        assertThat(team.calls()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        loop.step();
        assertThat(team.calls()).hasSize(2);
        assertThat(committed()).isEqualTo(1L);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> behindARetry() {
        return java.util.stream.Stream.of(
                // Issue 13: another group used to wait until fp-1 got through; each group now retries on its own.
                org.junit.jupiter.params.provider.Arguments.of("another group", Alerts.firing("fp-2", List.of()),
                        List.of("fp-1/firing", "fp-2/firing"), List.of("fp-1/firing", "fp-2/firing", "fp-1/firing")),
                org.junit.jupiter.params.provider.Arguments.of("the same group", Alerts.resolved("fp-1", List.of()),
                        List.of("fp-1/firing"), List.of("fp-1/firing", "fp-1/firing", "fp-1/resolved")));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("behindARetry")
    void shouldHoldOnlyTheSameGroupAndCommitNothingPastTheRetryWhenAnEarlierNotificationIsBeingRetried(
            String name, AlertEvent next, List<String> first, List<String> then) {
        ScriptedNotifier team = new ScriptedNotifier("team", new DeliveryResult.Retryable("HTTP 500"));
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));
        produce(next);

        loop.step();
        assertThat(team.fingerprintsAndStatuses()).isEqualTo(first);
        assertThat(committed()).as("fp-1 is still owed").isNull();
        assertThat(loop.backlogSize()).isEqualTo(2);

        clock.advance(INITIAL);
        loop.step();
        assertThat(team.fingerprintsAndStatuses()).isEqualTo(then);
        assertThat(committed()).isEqualTo(2L);
    }

    @Test
    void shouldSendOtherGroupsConcurrentlyUpToTheBoundWhenOneReceiverIsSlow() {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedNotifier slow = new ScriptedNotifier("team").holdUntil(release);
        DispatchLoop loop = new DispatchLoop(consumer, TOPIC, new Router(Map.of(), List.of("team"), Map.of("team", slow)),
                new DeliveryPolicy(new Backoff(INITIAL, Duration.ofSeconds(30)), MAX_AGE, 3), Grouping.none(),
                new DeliveryMetrics(registry, List.of("team")), journal, List.of(), clock);
        for (int i = 1; i <= 5; i++) {
            produce(Alerts.firing("fp-" + i, List.of()));
        }

        loop.step();
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.inFlight() == 3);
        assertThat(loop.queueSizes()).containsEntry("team", 5);

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            loop.step();
            return Long.valueOf(5).equals(committed());
        });
        assertThat(slow.mostAtOnce()).as("never more than max-in-flight at once").isEqualTo(3);
    }

    @Test
    void shouldMoveOnAndCommitWhenTheReceiverRefusesForGood() {
        ScriptedNotifier team = new ScriptedNotifier("team", new DeliveryResult.Permanent("HTTP 404"));
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));
        produce(Alerts.firing("fp-2", List.of()));

        loop.step();

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-1/firing", "fp-2/firing");
        assertThat(committed()).isEqualTo(2L);
        assertThat(count("team", "permanent")).isEqualTo(1.0);
    }

    @Test
    void shouldRetryOnlyTheFailedReceiverWhenAnotherAlreadyHasTheAlert() {
        ScriptedNotifier console = new ScriptedNotifier("console");
        ScriptedNotifier team = new ScriptedNotifier("team", new DeliveryResult.Retryable("timed out"));
        DispatchLoop loop = loop(List.of("console", "team"), console, team);
        produce(Alerts.firing("fp-1", List.of()));

        loop.step();
        clock.advance(INITIAL);
        loop.step();

        assertThat(console.calls()).hasSize(1);
        assertThat(team.calls()).hasSize(2);
        assertThat(committed()).isEqualTo(1L);
    }

    @Test
    void shouldSkipWithoutBlockingWhenRecordsArePendingInvalidOrEmpty() {
        ScriptedNotifier team = new ScriptedNotifier("team");
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.pending("fp-1", List.of()));
        produce("{not json".getBytes(StandardCharsets.UTF_8));
        produce((byte[]) null);
        produce(Alerts.firing("fp-1", List.of()));

        loop.step();

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-1/firing");
        assertThat(committed()).isEqualTo(4L);
        for (String reason : List.of("pending", "invalid", "empty")) {
            assertThat(registry.get("alerts.skipped").tag("reason", reason).counter().count()).as(reason).isEqualTo(1.0);
        }
    }

    @Test
    void shouldCommitNothingWhenOnlyAPendingAlertIsBehindARetry() {
        ScriptedNotifier team = new ScriptedNotifier("team", new DeliveryResult.Retryable("HTTP 503"));
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));
        produce(Alerts.pending("fp-2", List.of()));

        loop.step();

        assertThat(committed()).isNull();
        assertThat(loop.backlogSize()).isEqualTo(2);
    }

    @Test
    void shouldAbandonTheAttemptAndCommitNothingWhenStoppedDuringDelivery() {
        CountDownLatch entered = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Notifier hanging = new Notifier() {
            @Override
            public String name() {
                return "team";
            }

            @Override
            public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
                entered.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt();
                }
                return new DeliveryResult.Retryable("interrupted");
            }
        };
        List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();
        MockConsumer<String, byte[]> subscribed = new MockConsumer<>("earliest") {
            @Override
            public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
                commits.add(offsets);
                super.commitSync(offsets);
            }
        };
        subscribed.schedulePollTask(() -> {
            subscribed.rebalance(List.of(P0));
            subscribed.updateBeginningOffsets(Map.of(P0, 0L));
            subscribed.addRecord(new ConsumerRecord<>(TOPIC, 0, 0L, "key",
                    JsonSerde.alert().serializer().serialize(TOPIC, Alerts.firing("fp-1", List.of()))));
        });
        DispatchLoop loop = new DispatchLoop(subscribed, TOPIC, new Router(Map.of(), List.of("team"), Map.of("team", hanging)),
                new Backoff(INITIAL, Duration.ofSeconds(30)), MAX_AGE, new DeliveryMetrics(registry, List.of("team")), journal,
                List.of(), clock);
        Thread thread = new Thread(loop, "dispatch-under-test");
        thread.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> entered.getCount() == 0);
        assertThat(loop.running()).isTrue();

        loop.stop();

        await().atMost(Duration.ofSeconds(5)).until(() -> !thread.isAlive());
        await().atMost(Duration.ofSeconds(5)).untilTrue(interrupted);
        assertThat(subscribed.closed()).isTrue();
        assertThat(commits).isEmpty();
        assertThat(loop.running()).isFalse();
    }

    @Test
    void shouldKeepDeliveringToOtherReceiversWhenOneReceiverHangs() {
        CountDownLatch release = new CountDownLatch(1);
        Notifier hanging = new Notifier() {
            @Override
            public String name() {
                return "pager";
            }

            @Override
            public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return DeliveryResult.delivered();
            }
        };
        ScriptedNotifier team = new ScriptedNotifier("team");
        DispatchLoop loop = loop(List.of("pager", "team"), hanging, team);
        produce(Alerts.firing("fp-1", List.of()));
        produce(Alerts.firing("fp-2", List.of()));
        produce(Alerts.firing("fp-3", List.of()));

        loop.step();

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-1/firing", "fp-2/firing", "fp-3/firing");
        assertThat(committed()).as("pager still owes fp-1").isNull();
        assertThat(loop.queueSizes()).containsEntry("pager", 3).containsEntry("team", 0);

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            loop.step();
            return Long.valueOf(3).equals(committed());
        });
    }

    @Test
    void shouldDeadLetterWithTheReasonWhenTheReceiverRefusesForGood() {
        ScriptedNotifier team = new ScriptedNotifier("team", new DeliveryResult.Permanent("HTTP 410: gone"));
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));

        loop.step();

        assertThat(journal.deadLetters()).singleElement().satisfies(letter -> {
            assertThat(letter.receiver()).isEqualTo("team");
            assertThat(letter.reason()).isEqualTo("HTTP 410: gone");
            assertThat(letter.idempotencyKey()).isEqualTo("fp-1:firing:2024-05-01T10:00:00Z");
            assertThat(letter.alert().fingerprint()).isEqualTo("fp-1");
        });
        assertThat(journal.attempts()).extracting(a -> a.receiver() + "/" + a.outcome() + "/" + a.attempt())
                .containsExactly("team/permanent/1");
        assertThat(committed()).isEqualTo(1L);
        assertThat(registry.get("alerts.notifications.failed").tags("receiver", "team", "reason", "http_4xx").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterAfterTheMaximumAgeWhenTheReceiverKeepsFailing() {
        DeliveryResult[] failures = new DeliveryResult[20];
        java.util.Arrays.fill(failures, new DeliveryResult.Retryable("HTTP 503"));
        ScriptedNotifier team = new ScriptedNotifier("team", failures);
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));

        loop.step();
        for (int i = 0; i < 12 && journal.deadLetters().isEmpty(); i++) {
            clock.advance(Duration.ofSeconds(60));
            loop.step();
        }

        assertThat(journal.deadLetters()).singleElement().satisfies(letter ->
                assertThat(letter.reason()).startsWith("gave up after 600000 ms and ").endsWith("attempts; last: HTTP 503"));
        assertThat(committed()).isEqualTo(1L);
        assertThat(journal.attempts()).allMatch(a -> a.outcome().equals("retryable"));
    }

    @Test
    void shouldNotSendAgainWhenTheNotificationLogSaysTheReceiverHasIt() {
        ScriptedNotifier team = new ScriptedNotifier("team");
        journal.delivered(new dev.telemetry.alerts.nflog.NotificationLogEntry("team", "fp-1:firing:2024-05-01T10:00:00Z",
                "fp-1", "firing", clock.instant()));
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.firing("fp-1", List.of()));
        produce(Alerts.resolved("fp-1", List.of()));

        loop.step();

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-1/resolved");
        assertThat(committed()).isEqualTo(2L);
        assertThat(registry.get("alerts.skipped").tag("reason", "duplicate").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldNotSendTheResolutionWhenTheReceiverNeverGotTheFiring() {
        ScriptedNotifier team = new ScriptedNotifier("team");
        DispatchLoop loop = loop(List.of("team"), team);
        produce(Alerts.resolved("fp-1", List.of()));

        loop.step();

        assertThat(team.calls()).isEmpty();
        assertThat(committed()).isEqualTo(1L);
        assertThat(registry.get("alerts.skipped").tag("reason", "resolved_unnotified").counter().count()).isEqualTo(1.0);
    }

    private static AlertEvent alert(String fingerprint, String app, String severity, AlertStatus status) {
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint, status, "HighErrorRate", "error_rate", "mean",
                Map.of("alertname", "HighErrorRate", "app", app, "severity", severity), 0.07, 0.05, "gt", severity,
                List.of(), Map.of(), Alerts.STARTS_AT, status == AlertStatus.RESOLVED ? Alerts.ENDS_AT : null, Alerts.STARTS_AT);
    }

    @Test
    void shouldMuteMatchingAlertsOnlyWhileTheSilenceIsActiveWhenASilenceExists() {
        Instant start = clock.instant().plus(Duration.ofMinutes(5));
        Silence silence = new Silence("s-1", List.of(Matcher.parse("app=\"shop\""), Matcher.parse("severity=~\"high|warning\"")),
                start, start.plus(Duration.ofHours(1)), "alice", "deploying shop", clock.instant());
        ScriptedNotifier team = new ScriptedNotifier("team");
        DispatchLoop loop = loop(List.of(new Silencer(() -> List.of(silence))), List.of("team"), team);

        produce(alert("fp-early", "shop", "high", AlertStatus.FIRING));
        loop.step();
        clock.advance(Duration.ofMinutes(10));
        produce(alert("fp-muted", "shop", "high", AlertStatus.FIRING));
        produce(alert("fp-other-app", "cart", "high", AlertStatus.FIRING));
        produce(alert("fp-critical", "shop", "critical", AlertStatus.FIRING));
        loop.step();
        clock.advance(Duration.ofHours(1));
        produce(alert("fp-after", "shop", "high", AlertStatus.FIRING));
        loop.step();

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-early/firing", "fp-other-app/firing",
                "fp-critical/firing", "fp-after/firing");
        assertThat(registry.get("alerts.skipped").tag("reason", "silenced").counter().count()).isEqualTo(1.0);
        assertThat(committed()).isEqualTo(5L);
    }

    @Test
    void shouldMuteLowerSeveritiesOfTheSameAppWhileACriticalAlertFiresWhenAnInhibitRuleSaysSo() {
        Inhibitor inhibitor = new Inhibitor(List.of(new InhibitRule(List.of("severity=\"critical\""),
                List.of("severity=~\"high|warning\""), List.of("app"))));
        ScriptedNotifier team = new ScriptedNotifier("team");
        DispatchLoop loop = loop(List.of(inhibitor), List.of("team"), team);

        produce(alert("fp-crit", "shop", "critical", AlertStatus.FIRING));
        produce(alert("fp-shop-high", "shop", "high", AlertStatus.FIRING));
        produce(alert("fp-cart-high", "cart", "high", AlertStatus.FIRING));
        loop.step();
        clock.advance(Duration.ofMinutes(3));
        produce(alert("fp-crit", "shop", "critical", AlertStatus.RESOLVED));
        produce(alert("fp-shop-warn", "shop", "warning", AlertStatus.FIRING));
        loop.step();

        assertThat(team.fingerprintsAndStatuses()).containsExactly("fp-crit/firing", "fp-cart-high/firing",
                "fp-crit/resolved", "fp-shop-warn/firing");
        assertThat(registry.get("alerts.skipped").tag("reason", "inhibited").counter().count()).isEqualTo(1.0);
    }
}
