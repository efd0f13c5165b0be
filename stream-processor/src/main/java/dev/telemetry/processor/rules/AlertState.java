package dev.telemetry.processor.rules;

import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;

/**
 * What is remembered about one active alert (one rule, one series) between windows. An inactive
 * alert has no state at all, so the store only holds pending and firing alerts.
 *
 * @param status           {@link AlertStatus#PENDING} or {@link AlertStatus#FIRING}
 * @param startsAt         start of the first window of the current run of breaching windows
 * @param lastBreachEnd    end of the latest breaching window
 * @param lastEvaluatedEnd end of the latest window evaluated, breaching or not
 */
public record AlertState(AlertStatus status, Instant startsAt, Instant lastBreachEnd, Instant lastEvaluatedEnd) {
}
