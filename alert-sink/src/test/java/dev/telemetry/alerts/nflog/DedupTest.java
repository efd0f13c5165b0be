package dev.telemetry.alerts.nflog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.InMemoryJournal;
import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a receiver is still owed of a notification, according to the notification log, one row per case. */
class DedupTest {

    private static final String FIRING_KEY = "fp-1:firing:2024-05-01T10:00:00Z";
    private static final AlertEvent FIRING = Alerts.firing("fp-1", List.of());
    private static final AlertEvent RESOLVED = Alerts.resolved("fp-1", List.of());
    private static final AlertEvent OTHER = Alerts.firing("fp-2", List.of());

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("nothing logged", List.of(), List.of(FIRING, OTHER), true, false, List.of("fp-1", "fp-2"), 0, 0),
                Arguments.of("one alert logged", List.of(FIRING_KEY), List.of(FIRING, OTHER), true, false, List.of("fp-2"), 1, 0),
                Arguments.of("resolution of a sent firing", List.of(FIRING_KEY), List.of(RESOLVED), true, false, List.of("fp-1"), 0, 0),
                Arguments.of("resolution of an unsent firing", List.of(), List.of(RESOLVED), true, false, List.of(), 0, 1),
                Arguments.of("resolution without send_resolved", List.of(FIRING_KEY), List.of(RESOLVED), false, false, List.of(), 0, 1),
                Arguments.of("repeat not yet sent", List.of(FIRING_KEY), List.of(FIRING), true, true, List.of("fp-1"), 0, 0),
                Arguments.of("repeat already sent", List.of("repeat-key"), List.of(FIRING), true, true, List.of(), 1, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shouldLeaveOutWhatTheReceiverHasWhenTheLogSaysSo(String name, List<String> logged, List<AlertEvent> alerts,
                                                          boolean sendResolved, boolean repeat, List<String> left,
                                                          int duplicates, int resolvedUnnotified) {
        InMemoryJournal journal = new InMemoryJournal();
        logged.forEach(key -> journal.delivered(new NotificationLogEntry("team", key, "fp-1", "firing", Instant.EPOCH)));
        Notification notification = repeat
                ? new Notification("{}:{app=\"shop\"}", Map.of("app", "shop"), alerts, "repeat-key")
                : Notification.of("{}:{app=\"shop\"}", Map.of("app", "shop"), alerts, "");

        Dedup.Result result = new Dedup(journal, sendResolved).needed("team", notification, repeat);

        assertThat(result.left().map(n -> n.alerts().stream().map(AlertEvent::fingerprint).toList()).orElse(List.of()))
                .isEqualTo(left);
        assertThat(result.duplicates()).isEqualTo(duplicates);
        assertThat(result.resolvedUnnotified()).isEqualTo(resolvedUnnotified);
    }
}
