package dev.telemetry.events.derived;

import java.time.Instant;
import java.util.Map;

/**
 * The summary of one series over one closed window, on {@code telemetry.summaries}. Emitted once per
 * window when it closes, so a consumer never sees a partial result.
 *
 * <p>Fields after {@code mean} were added later: readers of older records get null for them, and older
 * readers ignore them (JSON Schema: {@code docs/schemas/telemetry.summaries.schema.json}).
 *
 * @param metric  what is measured: a custom metric's name, a vital's name, {@code action-<name>}, ...
 * @param series  the series identity inside the app, e.g. {@code checkout_ms{region=eu}}
 * @param labels  the series' labels (tags), without {@code app}
 * @param p50     percentiles from a DDSketch with 1 % relative accuracy: within 1 % of the exact value of
 *                the window's sorted observations at that rank; null in records written before they existed
 * @param ratings for web vitals with official thresholds only: how many observations were good,
 *                needs-improvement and poor; null for every other series
 */
public record Summary(int schemaVersion, String app, String metric, String series, Map<String, String> labels,
                      Instant windowStart, Instant windowEnd, long count, double sum, double min, double max,
                      double mean, Double p50, Double p75, Double p90, Double p95, Double p99, Ratings ratings) {

    public static final int SCHEMA_VERSION = 1;

    /** The statistics {@link #stat(String)} knows, as alert rules name them. */
    public static final String STATISTICS = "count, sum, min, max, mean, p50, p75, p90, p95, p99";

    /** Counts of a vital's observations by Google's rating thresholds (good ≤ first, poor &gt; second). */
    public record Ratings(long good, long needsImprovement, long poor) {
    }

    public Summary {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** A summary without percentiles or ratings (the first version's shape). */
    public Summary(int schemaVersion, String app, String metric, String series, Map<String, String> labels,
                   Instant windowStart, Instant windowEnd, long count, double sum, double min, double max, double mean) {
        this(schemaVersion, app, metric, series, labels, windowStart, windowEnd, count, sum, min, max, mean,
                null, null, null, null, null, null);
    }

    /** The Kafka key: app and series. */
    public String key() {
        return app + "|" + series;
    }

    /**
     * A statistic by name, as alert rules ask for it ({@code mean} when none is given). A percentile this
     * summary does not carry is NaN, for which no comparison holds.
     */
    public double stat(String name) {
        return switch (name == null ? "mean" : name) {
            case "count" -> count;
            case "sum" -> sum;
            case "min" -> min;
            case "max" -> max;
            case "mean", "avg" -> mean;
            case "p50" -> orNaN(p50);
            case "p75" -> orNaN(p75);
            case "p90" -> orNaN(p90);
            case "p95" -> orNaN(p95);
            case "p99" -> orNaN(p99);
            default -> throw new IllegalArgumentException("unknown statistic '" + name + "' (" + STATISTICS + ")");
        };
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }
}
