package dev.telemetry.alerts.mute;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/** The muting stage: every muter sees every admitted alert; the first that mutes a firing one says why. */
public final class Muting {

    private final List<Muter> muters;

    public Muting(List<? extends Muter> muters) {
        this.muters = List.copyOf(muters);
    }

    /** Waits until every muter can decide; false if {@code giveUp} said to stop first. */
    public boolean awaitReady(BooleanSupplier giveUp) {
        for (Muter muter : muters) {
            if (!muter.awaitReady(giveUp)) {
                return false;
            }
        }
        return true;
    }

    /** Lets every muter learn from {@code alert}, whatever its status (inhibition tracks what fires). */
    public void observe(AlertEvent alert) {
        muters.forEach(muter -> muter.observe(alert));
    }

    /** Why {@code alert} is muted at {@code now}; only firing alerts are ever muted, as in Alertmanager. */
    public Optional<Mute> muted(AlertEvent alert, Instant now) {
        if (alert.status() != AlertStatus.FIRING) {
            return Optional.empty();
        }
        for (Muter muter : muters) {
            Optional<Mute> why = muter.muted(alert, now);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }
}
