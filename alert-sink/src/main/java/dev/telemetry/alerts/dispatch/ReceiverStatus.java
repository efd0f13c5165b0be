package dev.telemetry.alerts.dispatch;

import java.time.Instant;

/**
 * What {@code /health} shows per receiver: notifications owed, the most consecutive failures of
 * any of its groups, and the last attempt's outcome and reason (never a secret).
 */
public record ReceiverStatus(int owed, int failures, String lastOutcome, String lastReason, Instant lastAttemptAt) {

    /** {@code ok}, {@code retrying} (a notification failed and waits) or {@code idle} (never tried). */
    public String state() {
        return lastOutcome == null ? "idle" : failures > 0 ? "retrying" : "ok";
    }
}
