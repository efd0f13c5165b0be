package dev.telemetry.processor.window;

import dev.telemetry.events.derived.AuditRecord;
import dev.telemetry.events.derived.Summary;

/**
 * What {@link WindowSummaryProcessor} forwards: a closed window's {@link Summary}, an observation its
 * cardinality caps turned away, to be aggregated per app in the overflow stage, or a record of the audit (the main
 * aggregation's account of the raw records). Exactly one is set.
 */
public record WindowOutput(Summary summary, SeriesObservation overflow, AuditRecord audit) {

    public WindowOutput {
        int set = (summary == null ? 0 : 1) + (overflow == null ? 0 : 1) + (audit == null ? 0 : 1);
        if (set != 1) {
            throw new IllegalArgumentException("exactly one of summary, overflow and audit must be set");
        }
    }

    static WindowOutput of(Summary summary) {
        return new WindowOutput(summary, null, null);
    }

    static WindowOutput overflowed(SeriesObservation observation) {
        return new WindowOutput(null, observation, null);
    }

    static WindowOutput audited(AuditRecord record) {
        return new WindowOutput(null, null, record);
    }

    public boolean isSummary() {
        return summary != null;
    }

    public boolean isAudit() {
        return audit != null;
    }
}
