package dev.telemetry.alerts.silence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.mute.Mute;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which alerts a silence mutes and when, one row per case. */
class SilencerTest {

    private static final Instant START = Instant.parse("2024-05-01T10:00:00Z");
    private static final Instant END = START.plus(Duration.ofHours(1));
    private static final Silence SHOP = new Silence("s-1", List.of(Matcher.parse("app=\"shop\""),
            Matcher.parse("severity=~\"high|warning\"")), START, END, "alice", "deploying shop", START);

    private static AlertEvent alert(Map<String, String> labels, String severity) {
        AlertEvent base = Alerts.firing("fp-1", List.of());
        return new AlertEvent(base.schemaVersion(), "fp-1", AlertStatus.FIRING, "HighErrorRate", base.metric(), base.stat(), labels,
                base.value(), base.threshold(), base.operator(), severity, base.channels(), base.annotations(), base.startsAt(),
                base.endsAt(), base.evaluatedAt());
    }

    static Stream<Arguments> cases() {
        Map<String, String> shop = Map.of("app", "shop");
        return Stream.of(
                Arguments.of("matching, while active", shop, "high", START.plusSeconds(60), true),
                Arguments.of("matching, at its start", shop, "warning", START, true),
                Arguments.of("matching, before its start", shop, "high", START.minusSeconds(1), false),
                Arguments.of("matching, at its end", shop, "high", END, false),
                Arguments.of("another app", Map.of("app", "cart"), "high", START.plusSeconds(60), false),
                Arguments.of("a severity it does not name", shop, "critical", START.plusSeconds(60), false),
                // The severity comes from the rule when the labels lack it: the label model fills it in.
                Arguments.of("severity only from the rule", Map.of("app", "shop"), "warning", START.plusSeconds(60), true),
                Arguments.of("no labels at all", Map.of(), "high", START.plusSeconds(60), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldMuteOnlyMatchingAlertsWhileTheSilenceIsActive(String name, Map<String, String> labels, String severity, Instant at,
                                                             boolean muted) {
        Optional<Mute> mute = new Silencer(() -> List.of(SHOP)).muted(alert(labels, severity), at);

        assertThat(mute.isPresent()).isEqualTo(muted);
        mute.ifPresent(m -> {
            assertThat(m.kind()).isEqualTo(Mute.Kind.SILENCED);
            assertThat(m.reason()).isEqualTo("silenced by s-1 (alice: deploying shop)");
        });
    }
}
