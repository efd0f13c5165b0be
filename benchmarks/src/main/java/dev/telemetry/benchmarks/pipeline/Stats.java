package dev.telemetry.benchmarks.pipeline;

import java.util.Arrays;
import java.util.List;

/** The arithmetic of the pipeline benchmark: percentiles by nearest rank and a least-squares slope. Pure. */
final class Stats {

    private Stats() {
    }

    /**
     * The {@code q}-quantile of {@code values} by nearest rank: the value at rank ⌈q·n⌉ of the sorted values (as the
     * processor's own exact percentiles); NaN when there are none.
     */
    static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return Double.NaN;
        }
        if (q <= 0 || q > 1) {
            throw new IllegalArgumentException("q must be in (0, 1], not " + q);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    /** A point of a time series: {@code t} seconds, {@code value}. */
    record Point(double t, double value) {
    }

    /** The least-squares slope of {@code points} (value per second); 0 for fewer than two distinct times. */
    static double slope(List<Point> points) {
        int n = points.size();
        if (n < 2) {
            return 0;
        }
        double meanT = points.stream().mapToDouble(Point::t).average().orElse(0);
        double meanV = points.stream().mapToDouble(Point::value).average().orElse(0);
        double num = 0;
        double den = 0;
        for (Point p : points) {
            num += (p.t() - meanT) * (p.value() - meanV);
            den += (p.t() - meanT) * (p.t() - meanT);
        }
        return den == 0 ? 0 : num / den;
    }
}
