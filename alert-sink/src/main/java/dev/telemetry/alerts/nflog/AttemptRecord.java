package dev.telemetry.alerts.nflog;

import java.time.Instant;

/**
 * One delivery attempt as published on {@code telemetry.notifications}: who, which notification,
 * the outcome ({@code delivered}, {@code retryable}, {@code permanent}) and why (never a secret).
 */
public record AttemptRecord(String receiver, String idempotencyKey, String fingerprint, String rule, String status,
                            int attempt, String outcome, String reason, long latencyMs, Instant at) {
}
