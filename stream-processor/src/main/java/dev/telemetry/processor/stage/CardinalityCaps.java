package dev.telemetry.processor.stage;

/**
 * How many series one app may have per window: distinct metric names, series in all, and label sets per metric.
 * Observations of series beyond a cap go to an overflow series instead (see {@code window.SeriesAdmission}), so a client
 * that puts user ids into names or tags, or an attacker posting random names, cannot grow the processor's state,
 * {@code telemetry.summaries} or the rules' state without bound.
 *
 * @param maxMetricsPerApp   distinct metric names per app and window (the seed's series, actions, vitals, ... all count)
 * @param maxSeriesPerApp    series (name plus labels) per app and window
 * @param maxSeriesPerMetric label sets per app, metric and window
 */
public record CardinalityCaps(int maxMetricsPerApp, int maxSeriesPerApp, int maxSeriesPerMetric) {

    public CardinalityCaps {
        requirePositive("maxMetricsPerApp", maxMetricsPerApp);
        requirePositive("maxSeriesPerApp", maxSeriesPerApp);
        requirePositive("maxSeriesPerMetric", maxSeriesPerMetric);
    }

    /** 2 000 metric names and 10 000 series per app, 1 000 label sets per metric. */
    public static CardinalityCaps defaults() {
        return new CardinalityCaps(2_000, 10_000, 1_000);
    }

    /**
     * The part of a per-app cap that one of {@code tasks} tasks may admit. An app's series are spread over every
     * input partition (the raw topics are keyed by app and series), and each task counts only its own, so each
     * admits an equal share and the app's total over all tasks stays within the cap. At least one.
     */
    public static int share(int cap, int tasks) {
        return Math.max(1, cap / Math.max(1, tasks));
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
