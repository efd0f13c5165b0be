package dev.telemetry.auditor;

import java.time.Instant;

/**
 * One app, raw topic and window, reconciled: the records the auditor counted on the raw topic against the
 * processor's account of them. {@code published = summarised + late + deadLettered + overflowed + notSummarised}
 * holds for a {@link Status#MATCH}.
 */
public record AuditRow(String app, String topic, Instant windowStart, Instant windowEnd, long published,
                       long summarised, long late, long deadLettered, long overflowed, long notSummarised,
                       Status status) {

    public enum Status {
        /** Both sides agree, as far as the processor has accounted (its progress covers the window). */
        MATCH,
        /** They differ: records unaccounted for (published more) or accounted twice (accounted more). */
        MISMATCH,
        /** The processor has not accounted for this window yet (still open, or its partition not read that far). */
        PENDING;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** What the processor accounted for. */
    public long accounted() {
        return summarised + late + deadLettered + overflowed + notSummarised;
    }
}
