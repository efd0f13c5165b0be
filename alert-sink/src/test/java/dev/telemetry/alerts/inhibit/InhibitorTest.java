package dev.telemetry.alerts.inhibit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.mute.Mute;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which targets a firing source inhibits, one row per case, for the shipped rule (critical mutes lower severities of its app). */
class InhibitorTest {

    private static final Instant NOW = Instant.parse("2024-05-01T10:10:00Z");
    private static final InhibitRule RULE = new InhibitRule(List.of("severity=\"critical\""),
            List.of("severity=~\"high|warning|info\""), List.of("app"));

    private static AlertEvent alert(String fingerprint, String app, String severity, AlertStatus status) {
        AlertEvent base = Alerts.firing(fingerprint, List.of());
        return new AlertEvent(base.schemaVersion(), fingerprint, status, "HighErrorRate", base.metric(), base.stat(),
                Map.of("alertname", "HighErrorRate", "app", app, "severity", severity), base.value(), base.threshold(),
                base.operator(), severity, base.channels(), base.annotations(), base.startsAt(),
                status == AlertStatus.RESOLVED ? Alerts.ENDS_AT : null, base.evaluatedAt());
    }

    private static final AlertEvent SHOP_CRITICAL = alert("fp-crit", "shop", "critical", AlertStatus.FIRING);

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("same app, lower severity", List.of(SHOP_CRITICAL), alert("fp-t", "shop", "high", AlertStatus.FIRING), true),
                Arguments.of("same app, info", List.of(SHOP_CRITICAL), alert("fp-t", "shop", "info", AlertStatus.FIRING), true),
                Arguments.of("another app", List.of(SHOP_CRITICAL), alert("fp-t", "cart", "high", AlertStatus.FIRING), false),
                Arguments.of("a critical target is no target", List.of(SHOP_CRITICAL),
                        alert("fp-t", "shop", "critical", AlertStatus.FIRING), false),
                Arguments.of("the source resolved", List.of(SHOP_CRITICAL, alert("fp-crit", "shop", "critical", AlertStatus.RESOLVED)),
                        alert("fp-t", "shop", "high", AlertStatus.FIRING), false),
                Arguments.of("the source only pending", List.of(alert("fp-crit", "shop", "critical", AlertStatus.PENDING)),
                        alert("fp-t", "shop", "high", AlertStatus.FIRING), false),
                Arguments.of("no source seen", List.of(), alert("fp-t", "shop", "high", AlertStatus.FIRING), false),
                Arguments.of("a source never inhibits itself", List.of(alert("fp-t", "shop", "critical", AlertStatus.FIRING)),
                        alert("fp-t", "shop", "warning", AlertStatus.FIRING), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldInhibitOnlyTargetsOfAFiringSourceWithEqualLabels(String name, List<AlertEvent> seen, AlertEvent target,
                                                              boolean inhibited) {
        Inhibitor inhibitor = new Inhibitor(List.of(RULE));
        seen.forEach(inhibitor::observe);

        Optional<Mute> mute = inhibitor.muted(target, NOW);

        assertThat(mute.isPresent()).isEqualTo(inhibited);
        mute.ifPresent(m -> assertThat(m).isEqualTo(Mute.inhibited("inhibited by HighErrorRate [fp-crit]")));
    }
}
