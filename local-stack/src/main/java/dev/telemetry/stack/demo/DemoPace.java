package dev.telemetry.stack.demo;

import java.time.Duration;

/**
 * The demo's timeline, measured from the first request: how long windows are, how often traffic is
 * sent, when one IP floods an endpoint and when checkout is slow. The newcomer's pace shows
 * everything within two minutes; tests run the same scenario faster.
 *
 * @param window       the processor's summary window
 * @param grace        how long after its end a window still takes late events (its summaries appear then)
 * @param tick         how often a batch of traffic is sent
 * @param abuseStart   when the abusive IP starts flooding /api/search
 * @param abuseTicks   for how many ticks it does, {@code abusePerTick} requests each: over 200 in all, so
 *                     that one calendar minute holds more than the limit of 100 even if the flood
 *                     straddles a minute boundary
 * @param slowStart    when /api/checkout becomes slow (p95 well over the rule's 1 s)
 * @param slowEnd      when it recovers
 */
public record DemoPace(Duration window, Duration grace, Duration tick, Duration abuseStart, int abuseTicks,
                       int abusePerTick, Duration slowStart, Duration slowEnd) {

    public DemoPace {
        if (abuseTicks * abusePerTick <= 200) {
            throw new IllegalArgumentException("the flood must exceed 200 requests, is " + abuseTicks * abusePerTick);
        }
        if (slowEnd.minus(slowStart).compareTo(window.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("checkout must be slow for at least two windows, so one is wholly slow");
        }
    }

    /** What `./telemetry demo` plays: 10 s windows, the alert fires about 35 s in and resolves about 60 s in. */
    public static DemoPace newcomer() {
        return new DemoPace(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(1),
                Duration.ofSeconds(6), 11, 20, Duration.ofSeconds(12), Duration.ofSeconds(42));
    }

    /** The same story about five times faster, for tests. */
    public static DemoPace accelerated() {
        return new DemoPace(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(200),
                Duration.ofMillis(600), 11, 20, Duration.ofMillis(2400), Duration.ofMillis(8400));
    }

    /** Whether /api/checkout is slow at this point of the timeline. */
    boolean checkoutSlowAt(Duration elapsed) {
        return elapsed.compareTo(slowStart) >= 0 && elapsed.compareTo(slowEnd) < 0;
    }
}
