package dev.telemetry.alerts.notify.slack;

import dev.telemetry.alerts.config.ReceiverConfig;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.JsonPoster;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import java.time.Clock;
import java.util.Map;

/**
 * Posts each notification to a Slack incoming webhook. Slack has no idempotency key, so a retry
 * after a lost answer can show a message twice; the notification log keeps that to such retries.
 */
public final class SlackNotifier implements Notifier {

    private final ReceiverConfig.Slack config;
    private final JsonPoster poster;

    public SlackNotifier(ReceiverConfig.Slack config, Clock clock) {
        this.config = config;
        this.poster = new JsonPoster(config.uri(), config.timeout(), clock);
    }

    @Override
    public String name() {
        return config.name();
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
