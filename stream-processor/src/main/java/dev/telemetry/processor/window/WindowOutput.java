package dev.telemetry.processor.window;

import dev.telemetry.events.derived.Summary;

/**
 * What {@link WindowSummaryProcessor} forwards: a closed window's {@link Summary}, or an observation its
 * cardinality caps turned away, to be aggregated per app in the overflow stage. Exactly one is set.
 */
public record WindowOutput(Summary summary, SeriesObservation overflow) {

    public WindowOutput {
        if ((summary == null) == (overflow == null)) {
            throw new IllegalArgumentException("exactly one of summary and overflow must be set");
        }
    }

    static WindowOutput of(Summary summary) {
        return new WindowOutput(summary, null);
    }

    static WindowOutput overflowed(SeriesObservation observation) {
        return new WindowOutput(null, observation);
    }

    public boolean isSummary() {
        return summary != null;
    }
}
