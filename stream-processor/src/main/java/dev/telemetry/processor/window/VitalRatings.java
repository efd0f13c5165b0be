package dev.telemetry.processor.window;

import java.util.Map;

/**
 * Google's thresholds for rating a web vital (web.dev "Defining the Core Web Vitals metrics thresholds",
 * the {@code web-vitals} library's {@code *Thresholds}): good up to the first, poor above the second,
 * needs-improvement in between. Vitals without official thresholds (TTI, custom timings) are not rated.
 */
public enum VitalRatings {
    GOOD, NEEDS_IMPROVEMENT, POOR;

    private static final Map<String, double[]> THRESHOLDS = Map.of(
            "LCP", new double[] {2500, 4000},
            "INP", new double[] {200, 500},
            "CLS", new double[] {0.1, 0.25},
            "FCP", new double[] {1800, 3000},
            "TTFB", new double[] {800, 1800},
            "FID", new double[] {100, 300});

    /** Whether {@code vital} has official thresholds. */
    public static boolean rated(String vital) {
        return THRESHOLDS.containsKey(vital);
    }

    /** The rating of {@code value} for {@code vital}; only for {@linkplain #rated rated} vitals. */
    public static VitalRatings of(String vital, double value) {
        double[] t = THRESHOLDS.get(vital);
        if (value <= t[0]) {
            return GOOD;
        }
        return value <= t[1] ? NEEDS_IMPROVEMENT : POOR;
    }
}
