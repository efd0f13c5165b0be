package dev.telemetry.alerts.testing;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;

/** A notifier with a bug: it throws {@code IllegalStateException(message)} instead of classifying an answer. */
public record ThrowingNotifier(String name, String message) implements Notifier {

    @Override
    public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
        throw new IllegalStateException(message);
    }
}
