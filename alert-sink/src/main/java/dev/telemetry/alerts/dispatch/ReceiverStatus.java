package dev.telemetry.alerts.dispatch;

import java.time.Instant;

/**
 * What {@code /health} shows per receiver: notifications owed, the most consecutive failures of
 * any of its groups, the last attempt's outcome and reason (never a secret), and whether it is over
 * its storm limit.
 */
public record ReceiverStatus(int owed, int failures, String lastOutcome, String lastReason, Instant lastAttemptAt,
                             boolean storm) {

    public ReceiverStatus(int owed, int failures, String lastOutcome, String lastReason, Instant lastAttemptAt) {
        this(owed, failures, lastOutcome, lastReason, lastAttemptAt, false);
    }

    /**
     * {@code storm} (over its storm limit: groups are folded), {@code retrying} (a notification failed
     * and waits), {@code ok}, or {@code idle} (never tried).
     */
    public String state() {
        return storm ? "storm" : lastOutcome == null ? "idle" : failures > 0 ? "retrying" : "ok";
    }
}
