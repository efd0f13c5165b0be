package dev.telemetry.console.view;

import java.time.Instant;

/**
 * One delivery attempt as the alert sink publishes it on {@code telemetry.notifications} (its
 * {@code AttemptRecord}): outcome {@code delivered}, {@code retryable}, {@code permanent} (or {@code folded}).
 */
public record Delivery(String receiver, String idempotencyKey, String fingerprint, String rule, String status,
                       int attempt, String outcome, String reason, long latencyMs, Instant at) {

    public boolean failed() {
        return !"delivered".equals(outcome) && !"folded".equals(outcome);
    }
}
