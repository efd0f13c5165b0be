package dev.telemetry.service.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaHealth} with no broker: "unreachable" within its timeout, and a cached answer is reused without asking
 * the broker again (the ask takes the whole timeout; the cached answer none of it). A broker that comes up is
 * covered by the console's {@code ConsoleHealthIntegrationTest}.
 */
class KafkaHealthTest {

    @Test
    void shouldAnswerUnreachableWithinTimeoutAndReuseItWhileCached() throws IOException {
        MutableClock clock = new MutableClock();
        try (KafkaHealth health = new KafkaHealth("127.0.0.1:" + closedPort(), "test-health", Duration.ofMillis(500),
                Duration.ofSeconds(5), clock)) {
            long t0 = System.nanoTime();
            assertThat(health.reachable()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

            // Within cacheFor: the same answer, without a second 500 ms ask.
            clock.advance(Duration.ofSeconds(4));
            long t1 = System.nanoTime();
            assertThat(health.reachable()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofMillis(400));

            // Past it: asked again (the ask waits out the timeout for a broker that is not there).
            clock.advance(Duration.ofSeconds(2));
            long t2 = System.nanoTime();
            assertThat(health.reachable()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t2)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
