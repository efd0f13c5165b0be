package dev.telemetry.prober.report;

import dev.telemetry.prober.check.CheckResult;

/**
 * The body of {@code POST /api/synthetic}: the seed's {@code {check, success, error, durationMs, timestamp}}
 * (timestamp as {@code new Date().toISOString()} writes it) plus {@code consecutiveFailures}.
 */
public record SyntheticPayload(String check, boolean success, String error, double durationMs, String timestamp,
                               int consecutiveFailures) {

    public static SyntheticPayload of(CheckResult result) {
        return new SyntheticPayload(result.check(), result.success(), result.error(), Math.round(result.durationMs() * 10) / 10.0,
                result.timestamp().toString(), result.consecutiveFailures());
    }
}
