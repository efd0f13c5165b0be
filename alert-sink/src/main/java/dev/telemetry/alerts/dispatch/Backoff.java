package dev.telemetry.alerts.dispatch;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before retrying a receiver: exponential from {@code initial}, capped at
 * {@code max}, with jitter so that sink instances do not retry a recovering receiver in lockstep.
 */
public final class Backoff {

    /**
     * A receiver's {@code Retry-After} is honoured up to this long; a larger value is more likely a
     * misconfiguration than a plan, and obeying it would park every later alert behind it.
     */
    public static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(5);

    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;

    public Backoff(Duration initial, Duration max) {
        this(initial, max, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** {@code random} yields values in [0, 1); tests pass a constant. */
    public Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /**
     * The wait after the {@code failures}-th consecutive failure (1 for the first). "Equal jitter":
     * between half and all of the exponential step, so a retry is never immediate.
     */
    public Duration delay(int failures, Optional<Duration> retryAfter) {
        long ceiling = max.toMillis();
        long step = initial.toMillis();
        for (int i = 1; i < failures && step < ceiling; i++) {
            step *= 2;
        }
        step = Math.max(1, Math.min(step, ceiling));
        long half = step / 2;
        long jittered = half + (long) (random.getAsDouble() * (step - half));
        Duration wait = Duration.ofMillis(Math.max(1, jittered));
        if (retryAfter.isPresent()) {
            Duration asked = retryAfter.get().compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : retryAfter.get();
            return asked.compareTo(wait) > 0 ? asked : wait;
        }
        return wait;
    }
}
