package dev.telemetry.alerts.notify.slack;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.HttpNotifier;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import java.time.Clock;
import java.util.Map;

/**
 * Posts each notification to a Slack incoming webhook. Slack has no idempotency key, so a retry
 * after a lost answer can show a message twice; the notification log keeps that to such retries.
 */
public final class SlackNotifier extends HttpNotifier<SlackConfig> {

    public SlackNotifier(SlackConfig config, Clock clock) {
        super(config, clock);
    }

    @Override
    public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
        return poster.post(JsonCodec.standard().write(SlackMessage.of(alert)), Map.of());
    }

    /** A group in one message. */
    @Override
    public DeliveryResult deliver(dev.telemetry.alerts.notify.Notification notification) {
        return poster.post(JsonCodec.standard().write(SlackMessage.of(notification)), Map.of());
    }

    @Override
    public String toString() {
        return config.name() + " (slack " + Redact.origin(config.url()) + ")";
    }
}
