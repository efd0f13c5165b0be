package dev.telemetry.events.derived;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * One record on {@code telemetry.audit} (key: the raw partition's number, so one task's records stay in order),
 * written by the stream processor in the same transaction as the summaries of the windows it accounts for. Two kinds:
 *
 * <ul>
 *   <li>{@link #COUNTS}: what the processor did with raw records of one app, raw topic and partition whose event
 *       time falls in one window, since the last such record for that key. Written when the window closes, and again
 *       for records that arrive after it closed (counted {@code late}). A window's account is the sum of its records.
 *   <li>{@link #PROGRESS}: for one raw topic and partition, every record below offset {@code readThrough} whose window
 *       starts before {@code closedBefore} is accounted for in the counts written before this record. This is what lets
 *       an auditor judge a window exactly, whatever is still in flight.
 * </ul>
 *
 * @param deadLettered  records that could not be read as envelopes: copied to the processor's dead-letter topic
 * @param overflowed    events whose every series the cardinality caps turned away (their values went to the app's
 *                      overflow series)
 * @param notSummarised events read and handled but feeding no series by design (feedback, reported security
 *                      events, an event with nothing to measure)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditRecord(int schemaVersion, String kind, String app, String topic, int partition,
                          Instant windowStart, Instant windowEnd, Long summarised, Long late, Long deadLettered,
                          Long overflowed, Long notSummarised, Long readThrough, Instant closedBefore) {

    public static final int SCHEMA_VERSION = 1;
    public static final String COUNTS = "counts";
    public static final String PROGRESS = "progress";

    public static AuditRecord counts(String app, String topic, int partition, Instant windowStart, Instant windowEnd,
                                     long summarised, long late, long deadLettered, long overflowed,
                                     long notSummarised) {
        return new AuditRecord(SCHEMA_VERSION, COUNTS, app, topic, partition, windowStart, windowEnd, summarised, late,
                deadLettered, overflowed, notSummarised, null, null);
    }

    public static AuditRecord progress(String topic, int partition, long readThrough, Instant closedBefore) {
        return new AuditRecord(SCHEMA_VERSION, PROGRESS, null, topic, partition, null, null, null, null, null, null,
                null, readThrough, closedBefore);
    }

    @JsonIgnore // not a field: Jackson would write it as "counts"
    public boolean isCounts() {
        return COUNTS.equals(kind);
    }

    /** Every record this one accounts for. */
    public long accounted() {
        return value(summarised) + value(late) + value(deadLettered) + value(overflowed) + value(notSummarised);
    }

    private static long value(Long count) {
        return count == null ? 0 : count;
    }

    /** The Kafka key: the raw partition, so that one task's counts come before its progress, in order. */
    public String key() {
        return Integer.toString(partition);
    }
}
