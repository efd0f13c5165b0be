package dev.telemetry.processor.stage;

/**
 * How many attribution targets {@code telemetry.vitals-attribution} names per app, page, vital and window, and so how
 * much state the processor keeps for them.
 *
 * @param topN the targets each record names, most frequent first; the heavy-hitters sketch behind it tracks
 *             {@link #capacity()} of them
 */
public record VitalOffendersLimits(int topN) {

    /** The most a configuration may ask for: 1 000 named targets, 4 000 tracked per page, vital and window. */
    public static final int MAX_TOP_N = 1000;
    /** Counters per named target: Space-Saving's counts are exact or nearly so for the top N when k is a few times N. */
    public static final int CAPACITY_PER_TARGET = 4;

    public VitalOffendersLimits {
        if (topN < 1 || topN > MAX_TOP_N) {
            throw new IllegalArgumentException("must be between 1 and " + MAX_TOP_N + ", got " + topN);
        }
    }

    /** Counters the sketch keeps per app, page, vital and window: {@value #CAPACITY_PER_TARGET} × top N. */
    public int capacity() {
        return CAPACITY_PER_TARGET * topN;
    }

    /** The top 10, 40 tracked. */
    public static VitalOffendersLimits defaults() {
        return new VitalOffendersLimits(10);
    }
}
