package dev.telemetry.processor.stage;

import dev.telemetry.events.EventType;
import dev.telemetry.events.derived.AlertStatus;

/**
 * The counters the topology keeps, so that dropped data is always accounted for. Micrometer backs it
 * in production; tests count in memory.
 */
public interface ProcessorMetrics {

    /** An event arrived after its window had closed (end + grace passed) and was dropped. */
    void lateRecordDropped(EventType type);

    /** An event of a kind that feeds no series was skipped. */
    void recordIgnored(EventType type);

    /** One closed window of one series was emitted. */
    void summaryEmitted();

    /**
     * An observation of a series beyond a cardinality cap went to an overflow series instead.
     *
     * @param reason which cap: {@code max_metrics_per_app}, {@code max_series_per_app}, {@code max_series_per_metric}
     */
    void seriesOverflowed(String app, String reason);

    /** A security finding was published (rate limit exceeded, SQL injection, XSS). */
    void findingEmitted(String finding);

    /** A record could not be processed and was skipped (and sent to the DLQ). */
    default void recordFailed() {
    }

    /** Error fingerprints not seen for the retention were dropped from state (their next error is "new"). */
    default void errorFingerprintsForgotten(int count) {
    }

    /**
     * An offending item reached the event-alert rollup after its window closed: its finding is on
     * {@code telemetry.security}, but no rollup alert counts it.
     */
    default void rollupItemLate(String rule) {
    }

    /**
     * What an event added to an SLO reached the SLO's windows after its window closed (end + grace passed): it is
     * in the window summaries, but in no SLO count.
     */
    default void sloCountLate(String slo) {
    }

    /** One alert changed state. */
    void alertChanged(AlertStatus status);
}
