package dev.telemetry.alerts.dispatch;

import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;
import java.util.Optional;

/** A stage that may mute a firing alert before it is queued: silences and inhibition rules. */
public interface Muter {

    /** Why {@code alert} must not be notified at {@code now}, or empty. */
    Optional<String> muted(AlertEvent alert, Instant now);

    /** Sees every admitted alert, muted or not, e.g. to track which alerts fire. */
    default void observe(AlertEvent alert) {
    }

    /** Blocks until the stage knows enough to decide (e.g. silences read), or {@code giveUp} says to stop waiting. */
    default boolean awaitReady(java.util.function.BooleanSupplier giveUp) {
        return true;
    }

    /** The metric reason of a mute by this stage. */
    DeliveryMetrics.Skip skip();
}
