package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.alerts.notify.webhook.WebhookNotifier;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.alerts.testing.MutableClock;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import dev.telemetry.events.serde.JsonSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole delivery path per receiver answer, table-driven: a real HTTP receiver answers once
 * with the status under test (then 200), and the dispatcher delivers, retries after the backoff or
 * the receiver's {@code Retry-After}, or dead-letters with the reason.
 */
class RetryTableTest {

    private static final String TOPIC = "alerts";
    private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    private static final Duration INITIAL = Duration.ofSeconds(1);
    /** The first backoff with the jitter pinned to its top: just under {@link #INITIAL}. */
    private static final Duration FIRST_WAIT = Duration.ofMillis(999);

    /** What the dispatcher must do: requests seen, retry wait before the second, dead-letter reason. */
    record Expect(int requests, Duration retryAfter, String deadLetter) {
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of("200", Reply.status(200), new Expect(1, null, null)),
                Arguments.of("202", Reply.status(202), new Expect(1, null, null)),
                Arguments.of("400", Reply.status(400, "bad payload"), new Expect(1, null, "HTTP 400: bad payload")),
                Arguments.of("404", Reply.status(404), new Expect(1, null, "HTTP 404")),
                Arguments.of("410", Reply.status(410), new Expect(1, null, "HTTP 410")),
                Arguments.of("429 Retry-After 20", Reply.withHeader(429, "Retry-After", "20"), new Expect(2, Duration.ofSeconds(20), null)),
                Arguments.of("500", Reply.status(500), new Expect(2, FIRST_WAIT, null)),
                Arguments.of("503", Reply.status(503), new Expect(2, FIRST_WAIT, null)),
                Arguments.of("hang", Reply.hang(), new Expect(2, FIRST_WAIT, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void shouldDeliverRetryOrDeadLetterWhenTheReceiverAnswers(String name, Reply reply, Expect expect) {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        consumer.assign(List.of(P0));
        consumer.updateBeginningOffsets(Map.of(P0, 0L));
        MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:10:00Z"));
        InMemoryJournal journal = new InMemoryJournal();
        try (RecordingReceiver receiver = new RecordingReceiver(reply)) {
            WebhookNotifier team = new WebhookNotifier(new WebhookConfig("team", receiver.url("/hook"), Duration.ofSeconds(2),
                    Map.of()), "", clock);
            DispatchLoop loop = new DispatchLoop(consumer, TOPIC, new Router(Map.of(), List.of("team"), Map.of("team", team)),
                    new Backoff(INITIAL, Duration.ofSeconds(30), () -> 0.999_999_999), Duration.ofHours(1),
                    new DeliveryMetrics(new SimpleMeterRegistry(), List.of("team")), journal, List.of(), clock);
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0L, "fp-1",
                    JsonSerde.alert().serializer().serialize(TOPIC, Alerts.firing("fp-1", List.of()))));

            await().atMost(Duration.ofSeconds(20)).until(() -> {
                loop.step();
                return !journal.attempts().isEmpty();
            });
            if (expect.retryAfter() != null) {
                clock.advance(expect.retryAfter().minusMillis(1));
                loop.step();
                assertThat(receiver.requests()).as("not before the wait ends").hasSize(1);
                clock.advance(Duration.ofMillis(1));
                await().atMost(Duration.ofSeconds(20)).until(() -> {
                    loop.step();
                    return journal.attempts().size() == 2;
                });
            }

            assertThat(receiver.requests()).hasSize(expect.requests())
                    .extracting(r -> r.header("Idempotency-Key")).containsOnly("fp-1:firing:2024-05-01T10:00:00Z");
            OffsetAndMetadata committed = consumer.committed(Set.of(P0)).get(P0);
            assertThat(committed).isNotNull();
            assertThat(committed.offset()).isEqualTo(1L);
            if (expect.deadLetter() == null) {
                assertThat(journal.deadLetters()).isEmpty();
                assertThat(journal.attempts().get(journal.attempts().size() - 1).outcome()).isEqualTo("delivered");
            } else {
                assertThat(journal.deadLetters()).singleElement().satisfies(l -> assertThat(l.reason()).isEqualTo(expect.deadLetter()));
            }
            loop.stop();
        }
    }
}
