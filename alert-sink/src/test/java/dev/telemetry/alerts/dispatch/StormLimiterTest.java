package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StormLimiterTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void shouldAdmitUpToTheLimitThenFoldIntoOneStormWhenAHundredGroupsComeAtOnce() {
        StormLimiter<Integer> limiter = new StormLimiter<>(20, WAIT);
        int admitted = 0;
        for (int group = 0; group < 100; group++) {
            if (limiter.admit(T0)) {
                admitted++;
            } else {
                limiter.fold(group, T0);
            }
        }

        assertThat(admitted).isEqualTo(20);
        assertThat(limiter.active(T0)).isTrue();
        assertThat(limiter.nextDue()).contains(T0.plus(WAIT));
        assertThat(limiter.due(T0.plusSeconds(9))).isEmpty();
        Optional<List<Integer>> storm = limiter.due(T0.plus(WAIT));
        assertThat(storm).isPresent();
        assertThat(storm.get()).hasSize(80).startsWith(20, 21).endsWith(99);
        assertThat(limiter.due(T0.plusSeconds(30))).isEmpty();
    }

    @Test
    void shouldSendAtMostOneStormAMinuteWhenFoldingGoesOn() {
        StormLimiter<Integer> limiter = new StormLimiter<>(1, WAIT);
        limiter.admit(T0);
        limiter.fold(1, T0);
        assertThat(limiter.due(T0.plus(WAIT))).contains(List.of(1));

        limiter.fold(2, T0.plusSeconds(20));

        assertThat(limiter.nextDue()).contains(T0.plus(WAIT).plus(StormLimiter.WINDOW));
        assertThat(limiter.due(T0.plusSeconds(60))).isEmpty();
        assertThat(limiter.due(T0.plusSeconds(70))).contains(List.of(2));
    }

    @Test
    void shouldAdmitAgainAndLeaveStormModeWhenTheMinuteHasPassed() {
        StormLimiter<Integer> limiter = new StormLimiter<>(2, WAIT);
        assertThat(limiter.admit(T0)).isTrue();
        assertThat(limiter.admit(T0.plusSeconds(1))).isTrue();
        assertThat(limiter.admit(T0.plusSeconds(2))).isFalse();

        assertThat(limiter.active(T0.plusSeconds(59))).isTrue();
        assertThat(limiter.active(T0.plusSeconds(61))).isFalse();
        assertThat(limiter.admit(T0.plusSeconds(61))).isTrue();
    }

    @Test
    void shouldAdmitEverythingWhenTheLimitIsZero() {
        StormLimiter<Integer> limiter = new StormLimiter<>(0, WAIT);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.admit(T0)).isTrue();
        }
        assertThat(limiter.active(T0)).isFalse();
    }
}
