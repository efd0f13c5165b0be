package dev.telemetry.alerts.mute;

import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A stage that may mute a firing alert before it is queued (silences, inhibition rules). Neutral on
 * purpose: muters know alerts, not the dispatcher that asks them.
 */
public interface Muter {

    /** Why {@code alert} must not be notified at {@code now}, or empty. */
    Optional<Mute> muted(AlertEvent alert, Instant now);

    /** Sees every admitted alert, muted or not, e.g. to track which alerts fire. */
    default void observe(AlertEvent alert) {
    }

    /** Blocks until the stage knows enough to decide (e.g. silences read), or {@code giveUp} says to stop waiting. */
    default boolean awaitReady(BooleanSupplier giveUp) {
        return true;
    }
}
