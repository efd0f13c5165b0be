package dev.telemetry.console.view;

import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;

/**
 * A notification the alert sink gave up on, as published on {@code telemetry.alerts.dlq} (its {@code DeadLetter});
 * {@code alert} is null when the sink could not read the record ({@code source} then says where it was).
 */
public record DeadLetter(String receiver, String reason, String idempotencyKey, int attempts, Instant firstAttemptAt,
                         Instant at, String source, AlertEvent alert) {
}
