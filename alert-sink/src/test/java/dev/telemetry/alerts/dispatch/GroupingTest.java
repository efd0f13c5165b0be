package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.alerts.testing.MutableClock;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** group_wait, group_interval, repeat_interval and send_resolved, driven by a clock the test moves. */
class GroupingTest {

    private static final String TOPIC = "alerts";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofMinutes(5);
    private static final Duration REPEAT = Duration.ofHours(4);

    private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:10:00Z"));
    private final InMemoryJournal journal = new InMemoryJournal();
    private final List<Notification> sent = new CopyOnWriteArrayList<>();
    private long nextOffset;

    private final Notifier team = new Notifier() {
        @Override
        public String name() {
            return "team";
        }

        @Override
        public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
            return deliver(Notification.single(alert, idempotencyKey));
        }

        @Override
        public DeliveryResult deliver(Notification notification) {
            sent.add(notification);
            return DeliveryResult.delivered();
        }
    };

    GroupingTest() {
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
    }

    private DispatchLoop loop(boolean sendResolved) {
        Grouping grouping = new Grouping(List.of("alertname", "app"), WAIT, INTERVAL, REPEAT, sendResolved);
        return new DispatchLoop(consumer, TOPIC, new Router(Map.of(), List.of("team"), Map.of("team", team)),
                new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)), Duration.ofHours(1), grouping,
                new DeliveryMetrics(new SimpleMeterRegistry(), List.of("team")), journal, List.of(), clock);
    }

    private void produce(String fingerprint, String app, AlertStatus status) {
        AlertEvent alert = new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint, status, "HighErrorRate", "error_rate", "mean",
                Map.of("alertname", "HighErrorRate", "app", app, "series", fingerprint, "severity", "high"), 0.07, 0.05, "gt", "high",
                List.of(), Map.of(), Alerts.STARTS_AT, status == AlertStatus.RESOLVED ? Alerts.ENDS_AT : null, Alerts.STARTS_AT);
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, nextOffset++, fingerprint,
                JsonSerde.alert().serializer().serialize(TOPIC, alert)));
    }

    private List<String> contents(Notification notification) {
        return notification.alerts().stream().map(a -> a.fingerprint() + "/" + a.status().wireName()).toList();
    }

    private Long committed() {
        OffsetAndMetadata offset = consumer.committed(Set.of(P0)).get(P0);
        return offset == null ? null : offset.offset();
    }

    @Test
    void shouldSendOneNotificationPerGroupAfterGroupWaitWhenAlertsOfTheSameAppArrive() {
        DispatchLoop loop = loop(true);
        produce("fp-1", "shop", AlertStatus.FIRING);
        produce("fp-2", "shop", AlertStatus.FIRING);
        produce("fp-3", "cart", AlertStatus.FIRING);

        loop.step();
        clock.advance(WAIT.minusSeconds(1));
        loop.step();
        assertThat(sent).as("nothing before group_wait").isEmpty();
        assertThat(committed()).as("nothing committed before it is sent").isNull();

        clock.advance(Duration.ofSeconds(1));
        loop.step();

        assertThat(sent).hasSize(2);
        assertThat(contents(sent.get(0))).containsExactly("fp-1/firing", "fp-2/firing");
        assertThat(sent.get(0).groupLabels()).isEqualTo(Map.of("alertname", "HighErrorRate", "app", "shop"));
        assertThat(contents(sent.get(1))).containsExactly("fp-3/firing");
        assertThat(committed()).isEqualTo(3L);
    }

    @Test
    void shouldWaitGroupIntervalAndSendOnlyWhatIsNewWhenTheGroupChanges() {
        DispatchLoop loop = loop(true);
        produce("fp-1", "shop", AlertStatus.FIRING);
        loop.step();
        clock.advance(WAIT);
        loop.step();

        clock.advance(Duration.ofMinutes(1));
        produce("fp-2", "shop", AlertStatus.FIRING);
        loop.step();
        clock.advance(INTERVAL.minusMinutes(1).minusSeconds(1));
        loop.step();
        assertThat(sent).as("not before group_interval").hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        loop.step();

        assertThat(sent).hasSize(2);
        assertThat(contents(sent.get(1))).containsExactly("fp-2/firing");
        assertThat(sent.get(1).idempotencyKey()).isEqualTo("fp-2:firing:2024-05-01T10:00:00Z");
    }

    @Test
    void shouldRepeatAnUnchangedFiringGroupWhenRepeatIntervalPasses() {
        DispatchLoop loop = loop(true);
        produce("fp-1", "shop", AlertStatus.FIRING);
        loop.step();
        clock.advance(WAIT);
        loop.step();

        clock.advance(REPEAT.minusSeconds(1));
        loop.step();
        assertThat(sent).hasSize(1);
        clock.advance(Duration.ofSeconds(1));
        loop.step();

        assertThat(sent).hasSize(2);
        assertThat(contents(sent.get(1))).containsExactly("fp-1/firing");
        assertThat(sent.get(1).idempotencyKey()).startsWith("group:").contains(":repeat:").isNotEqualTo(sent.get(0).idempotencyKey());
    }

    @Test
    void shouldSendTheResolutionAndStopRepeatingWhenTheAlertResolves() {
        DispatchLoop loop = loop(true);
        produce("fp-1", "shop", AlertStatus.FIRING);
        loop.step();
        clock.advance(WAIT);
        loop.step();

        clock.advance(INTERVAL);
        produce("fp-1", "shop", AlertStatus.RESOLVED);
        loop.step();
        clock.advance(REPEAT.multipliedBy(2));
        loop.step();

        assertThat(sent).extracting(this::contents).containsExactly(List.of("fp-1/firing"), List.of("fp-1/resolved"));
        assertThat(committed()).isEqualTo(2L);
    }

    @Test
    void shouldNotSendResolutionsWhenSendResolvedIsOff() {
        DispatchLoop loop = loop(false);
        produce("fp-1", "shop", AlertStatus.FIRING);
        loop.step();
        clock.advance(WAIT);
        loop.step();
        clock.advance(INTERVAL);
        produce("fp-1", "shop", AlertStatus.RESOLVED);
        loop.step();

        assertThat(sent).extracting(this::contents).containsExactly(List.of("fp-1/firing"));
        assertThat(committed()).isEqualTo(2L);
    }

    @Test
    void shouldSendNothingWhenAnAlertFiresAndResolvesWithinGroupWait() {
        DispatchLoop loop = loop(true);
        produce("fp-1", "shop", AlertStatus.FIRING);
        loop.step();
        clock.advance(Duration.ofSeconds(10));
        produce("fp-1", "shop", AlertStatus.RESOLVED);
        loop.step();
        clock.advance(WAIT);
        loop.step();

        assertThat(sent).isEmpty();
        assertThat(committed()).isEqualTo(2L);
    }
}
