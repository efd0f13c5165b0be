package dev.telemetry.events.errors;

import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.TelemetryEvent;

/**
 * Which events count as errors, for every reader that counts or groups them (the processor's {@code errors} series
 * and error alerts, the console's errors view): one decision in one place.
 */
public final class ReportedErrors {

    private ReportedErrors() {
    }

    /**
     * The error an event reports, or null. A network error with a server status (≥ 500) does count as an error,
     * but not here: the gateway already wrote its {@code Server Error: ...} as an error event of its own on
     * {@code telemetry.errors} (as the seed does, see {@code NetworkErrorEvent.asServerError}), so deriving it
     * again would count it twice, and under the network error's key (app + method + url) rather than the error's
     * (app + type), which could split one fingerprint's count and memory across partitions.
     */
    public static ErrorEvent asError(TelemetryEvent event) {
        return event instanceof ErrorEvent error ? error : null;
    }
}
