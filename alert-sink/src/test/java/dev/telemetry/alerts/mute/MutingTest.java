package dev.telemetry.alerts.mute;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The muting stage: every muter observes, the first that mutes a firing alert wins, other statuses are never muted. */
class MutingTest {

    private static final Instant NOW = Instant.parse("2024-05-01T10:10:00Z");

    private record Fixed(Optional<Mute> answer, List<String> seen) implements Muter {
        @Override
        public Optional<Mute> muted(AlertEvent alert, Instant now) {
            return answer;
        }

        @Override
        public void observe(AlertEvent alert) {
            seen.add(alert.fingerprint() + "/" + alert.status().wireName());
        }
    }

    @Test
    void shouldGiveTheFirstMutersReasonWhenSeveralMuteAFiringAlert() {
        Fixed none = new Fixed(Optional.empty(), new ArrayList<>());
        Fixed silenced = new Fixed(Optional.of(Mute.silenced("silenced by s-1")), new ArrayList<>());
        Fixed inhibited = new Fixed(Optional.of(Mute.inhibited("inhibited by X")), new ArrayList<>());
        Muting muting = new Muting(List.of(none, silenced, inhibited));

        assertThat(muting.muted(Alerts.firing("fp-1", List.of()), NOW)).contains(Mute.silenced("silenced by s-1"));
    }

    @Test
    void shouldNeverMuteWhenTheAlertIsResolved() {
        Muting muting = new Muting(List.of(new Fixed(Optional.of(Mute.silenced("always")), new ArrayList<>())));

        assertThat(muting.muted(Alerts.resolved("fp-1", List.of()), NOW)).isEmpty();
    }

    @Test
    void shouldLetEveryMuterObserveWhenAnAlertIsAdmitted() {
        Fixed first = new Fixed(Optional.empty(), new ArrayList<>());
        Fixed second = new Fixed(Optional.empty(), new ArrayList<>());
        Muting muting = new Muting(List.of(first, second));

        muting.observe(Alerts.pending("fp-1", List.of()));

        assertThat(first.seen()).containsExactly("fp-1/pending");
        assertThat(second.seen()).containsExactly("fp-1/pending");
    }
}
