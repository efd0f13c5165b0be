package dev.telemetry.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(new GatewayConfig.Bucket(2, 3), now::get);

    @Test
    void shouldAllowTheBurstThenRefuseWithTheWaitUntilTheNextTokenWhenTheBucketIsEmpty() {
        assertThat(limiter.acquire("a")).isNull();
        assertThat(limiter.acquire("a")).isNull();
        assertThat(limiter.acquire("a")).isNull();
        assertThat(limiter.acquire("a")).isEqualTo(Duration.ofMillis(500));
        // Another name has its own bucket.
        assertThat(limiter.acquire("b")).isNull();
    }

    @Test
    void shouldRefillAtTheConfiguredRateWhenTimePasses() {
        for (int i = 0; i < 3; i++) {
            limiter.acquire("a");
        }
        now.addAndGet(Duration.ofMillis(500).toNanos());
        assertThat(limiter.acquire("a")).isNull();
        assertThat(limiter.acquire("a")).isNotNull();
        now.addAndGet(Duration.ofSeconds(60).toNanos());
        // Never more than the burst, however long the pause.
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.acquire("a")).isNull();
        }
        assertThat(limiter.acquire("a")).isNotNull();
    }
}
