package dev.telemetry.alerts.silence;

import dev.telemetry.alerts.model.Labels;
import dev.telemetry.alerts.mute.Mute;
import dev.telemetry.alerts.mute.Muter;
import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** The muter that mutes a firing alert matched by a silence active at the time it is consumed. */
public final class Silencer implements Muter {

    private final Supplier<? extends Collection<Silence>> silences;
    private final Predicate<BooleanSupplier> awaitReady;

    /** {@code awaitReady} waits until every stored silence is known (see {@link SilenceStore#awaitReady}). */
    public Silencer(Supplier<? extends Collection<Silence>> silences, Predicate<BooleanSupplier> awaitReady) {
        this.silences = silences;
        this.awaitReady = awaitReady;
    }

    public Silencer(Supplier<? extends Collection<Silence>> silences) {
        this(silences, giveUp -> true);
    }

    @Override
    public boolean awaitReady(BooleanSupplier giveUp) {
        return awaitReady.test(giveUp);
    }

    @Override
    public Optional<Mute> muted(AlertEvent alert, Instant now) {
        Map<String, String> labels = Labels.of(alert);
        return silences.get().stream().filter(s -> s.active(now) && s.matches(labels)).findFirst()
                .map(s -> Mute.silenced("silenced by " + s.id() + " (" + s.createdBy() + ": " + s.comment() + ")"));
    }
}
