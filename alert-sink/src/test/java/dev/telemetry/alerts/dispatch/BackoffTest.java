package dev.telemetry.alerts.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    @ParameterizedTest(name = "failure {0}: {1}..{2} ms")
    @CsvSource({"1, 250, 500", "2, 500, 1000", "3, 1000, 2000", "6, 8000, 16000", "7, 15000, 30000", "40, 15000, 30000"})
    void shouldDoubleUpToTheCapWhenFailuresRepeat(int failures, long lowest, long highest) {
        Duration initial = Duration.ofMillis(500);
        Duration max = Duration.ofSeconds(30);

        assertThat(new Backoff(initial, max, () -> 0.0).delay(failures, Optional.empty())).isEqualTo(Duration.ofMillis(lowest));
        assertThat(new Backoff(initial, max, () -> 0.999_999).delay(failures, Optional.empty()).toMillis())
                .isBetween(highest - 1, highest);
    }

    @Test
    void shouldWaitAsLongAsAskedWhenRetryAfterExceedsTheBackoff() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.5);

        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(7)))).isEqualTo(Duration.ofSeconds(7));
        assertThat(backoff.delay(1, Optional.of(Duration.ZERO))).isEqualTo(Duration.ofMillis(375));
        assertThat(backoff.delay(1, Optional.of(Duration.ofDays(1)))).isEqualTo(Backoff.MAX_RETRY_AFTER);
    }
}
