package dev.telemetry.processor.audit;

/**
 * What the processor did with one raw record, as the audit counts it: exactly one per record consumed.
 * An event that feeds several series is summarised if the window took any of its values, overflowed if the
 * cardinality caps turned all of them away.
 */
public enum Fate {
    /** At least one of its values went into an open window, to be summarised when it closes. */
    SUMMARISED,
    /** Its window had closed (past grace): dropped and counted. */
    LATE,
    /** Not readable as an envelope: copied to the processor's dead-letter topic. */
    DEAD_LETTERED,
    /** The cardinality caps turned every one of its series away: its values went to the app's overflow series. */
    OVERFLOWED,
    /** Read and handled, but feeding no series by design: feedback, reported security events, nothing to measure. */
    NOT_SUMMARISED
}
