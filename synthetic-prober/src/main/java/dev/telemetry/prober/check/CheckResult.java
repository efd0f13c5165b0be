package dev.telemetry.prober.check;

import java.time.Instant;

/**
 * One finished run, as it is reported: the seed's {@code {check, success, error, durationMs, timestamp}}
 * plus how many runs in a row have failed (0 after a success).
 */
public record CheckResult(String check, boolean success, String error, double durationMs, Instant timestamp,
                          int consecutiveFailures) {
}
