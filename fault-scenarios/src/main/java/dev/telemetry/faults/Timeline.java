package dev.telemetry.faults;

import java.time.Duration;
import java.util.Locale;

/** Time since the load started: when a scenario injects its faults, and how its notes say when things happened. */
final class Timeline {

    private final long start = System.nanoTime();

    /** Waits until {@code offset} after the start (at once if it has passed): a fault's moment, not a synchronisation. */
    void at(Duration offset) throws InterruptedException {
        long remaining = start + offset.toNanos() - System.nanoTime();
        if (remaining > 0) {
            Thread.sleep(remaining / 1_000_000, (int) (remaining % 1_000_000));
        }
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** e.g. {@code +15.0s}. */
    String now() {
        return String.format(Locale.ROOT, "+%.1fs", elapsed().toMillis() / 1000.0);
    }
}
