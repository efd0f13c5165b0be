package dev.telemetry.alerts.nflog;

import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;

/**
 * A notification the sink gave up on, as published on {@code telemetry.alerts.dlq}, with the reason
 * and enough context to replay it. {@code alert} is null when the record itself was unreadable;
 * {@code source} then says where it was ({@code topic-partition@offset}).
 */
public record DeadLetter(String receiver, String reason, String idempotencyKey, int attempts, Instant firstAttemptAt,
                         Instant at, String source, AlertEvent alert) {
}
