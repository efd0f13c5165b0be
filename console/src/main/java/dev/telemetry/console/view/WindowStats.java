package dev.telemetry.console.view;

import dev.telemetry.events.derived.Summary;
import java.time.Instant;

/**
 * One closed window of one series as the console keeps it: the summary's statistics without its
 * identity (kept once per series), so a view of many windows stays small.
 */
public record WindowStats(Instant windowStart, Instant windowEnd, long count, double sum, double min, double max,
                          double mean, Double p50, Double p75, Double p90, Double p95, Double p99,
                          Summary.Ratings ratings) {

    public static WindowStats of(Summary s) {
        return new WindowStats(s.windowStart(), s.windowEnd(), s.count(), s.sum(), s.min(), s.max(), s.mean(),
                s.p50(), s.p75(), s.p90(), s.p95(), s.p99(), s.ratings());
    }
}
