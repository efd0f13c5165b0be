package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What each kind of record is to the sink, without Kafka: the admission stage is a pure function. */
class AdmissionTest {

    private static byte[] json(AlertEvent alert) {
        return JsonSerde.alert().serializer().serialize("alerts", alert);
    }

    static Stream<Arguments> records() {
        byte[] noStatus = "{\"schemaVersion\":1,\"fingerprint\":\"fp-1\",\"rule\":\"HighErrorRate\",\"value\":0.07,\"threshold\":0.05}".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("firing", json(Alerts.firing("fp-1", List.of())), null, null, true),
                Arguments.of("resolved", json(Alerts.resolved("fp-1", List.of())), null, null, true),
                Arguments.of("pending", json(Alerts.pending("fp-1", List.of())), DeliveryMetrics.Skip.PENDING, null, true),
                Arguments.of("empty", null, DeliveryMetrics.Skip.EMPTY, null, false),
                Arguments.of("not JSON", "{not json".getBytes(StandardCharsets.UTF_8), DeliveryMetrics.Skip.INVALID,
                        "unreadable alert record: ", false),
                Arguments.of("no status", noStatus, DeliveryMetrics.Skip.INVALID, "alert has no status", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("records")
    void shouldDecideFromTheRecordAloneWhenARecordIsConsumed(String name, byte[] value, DeliveryMetrics.Skip skip,
                                                            String deadLetter, boolean hasAlert) {
        Admission.Decision decision = new Admission().admit("alerts", value);

        if (skip == null) {
            assertThat(decision).isInstanceOf(Admission.Notify.class);
        } else {
            assertThat(decision).isInstanceOfSatisfying(Admission.Skip.class, s -> {
                assertThat(s.reason()).isEqualTo(skip);
                if (deadLetter == null) {
                    assertThat(s.deadLetter()).isNull();
                } else {
                    assertThat(s.deadLetter()).startsWith(deadLetter);
                }
            });
        }
        assertThat(decision.alert() != null).isEqualTo(hasAlert);
    }
}
