package dev.telemetry.alerts.notify;

import dev.telemetry.events.derived.AlertEvent;

/**
 * Delivers one alert to one receiver and says how it went. Implementations never throw for a
 * receiver's failure: they classify it, so the dispatcher alone decides about retries.
 */
public interface Notifier {

    /** The receiver's configured name. */
    String name();

    /**
     * Sends {@code alert}. Called again with the same {@code idempotencyKey} when a retryable failure
     * is retried, so a receiver that honours the key sees each notification once. Must return
     * promptly when its thread is interrupted (the sink is closing).
     */
    DeliveryResult deliver(AlertEvent alert, String idempotencyKey);

    /**
     * Sends a group's notification. Receivers that show one alert per message (PagerDuty, Sentry,
     * log) keep this default: each alert under its own key, stopping at the first failure, whose
     * retry then repeats the alerts already sent under the same keys, which those receivers
     * deduplicate. Receivers that show a group in one message override it.
     */
    default DeliveryResult deliver(Notification notification) {
        if (notification.alerts().size() == 1) {
            return deliver(notification.alerts().get(0), notification.idempotencyKey());
        }
        for (AlertEvent alert : notification.alerts()) {
            DeliveryResult result = deliver(alert, idempotencyKey(alert));
            if (!(result instanceof DeliveryResult.Delivered)) {
                return result;
            }
        }
        return DeliveryResult.delivered();
    }

    /**
     * A receiver that shows a whole group in one message (webhook, Alertmanager, e-mail): a single
     * alert is simply a group of one, so only the group form is written.
     */
    interface Grouped extends Notifier {

        @Override
        DeliveryResult deliver(Notification notification);

        @Override
        default DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
            return deliver(Notification.single(alert, idempotencyKey));
        }
    }

    /**
     * The key of one notification: one alert in one state since one start. Stable across retries and
     * restarts (it derives from the record only), different for a new firing of the same series.
     */
    static String idempotencyKey(AlertEvent alert) {
        return alert.fingerprint() + ":" + alert.status().wireName() + ":" + alert.startsAt();
    }
}
