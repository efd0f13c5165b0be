package dev.telemetry.events.derived;

import java.time.Instant;
import java.util.Map;

/**
 * The summary of one series over one closed window, on {@code telemetry.summaries}. Emitted once per
 * window when it closes, so a consumer never sees a partial result.
 *
 * @param metric what is measured: a custom metric's name, a vital's name, {@code action-<name>}, ...
 * @param series the series identity inside the app, e.g. {@code checkout_ms{region=eu}}
 * @param labels the series' labels (tags), without {@code app}
 */
public record Summary(int schemaVersion, String app, String metric, String series, Map<String, String> labels,
                      Instant windowStart, Instant windowEnd, long count, double sum, double min, double max,
                      double mean) {

    public static final int SCHEMA_VERSION = 1;

    public Summary {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    /** The Kafka key: app and series. */
    public String key() {
        return app + "|" + series;
    }

    /** A statistic by name, as alert rules ask for it ({@code mean} when none is given). */
    public double stat(String name) {
        return switch (name == null ? "mean" : name) {
            case "count" -> count;
            case "sum" -> sum;
            case "min" -> min;
            case "max" -> max;
            case "mean", "avg" -> mean;
            default -> throw new IllegalArgumentException("unknown statistic '" + name + "' (count, sum, min, max, mean)");
        };
    }
}
