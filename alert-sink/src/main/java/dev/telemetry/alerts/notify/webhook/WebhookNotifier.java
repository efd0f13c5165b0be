package dev.telemetry.alerts.notify.webhook;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.HttpNotifier;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.service.config.Durations;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sends each alert to a generic webhook as Alertmanager's version-4 payload, with an
 * {@code Idempotency-Key} header that stays the same across retries of one notification.
 */
public final class WebhookNotifier extends HttpNotifier<WebhookConfig> implements Notifier.Grouped {

    public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final String externalUrl;

    public WebhookNotifier(WebhookConfig config, String externalUrl, Clock clock) {
        super(config, clock);
        this.externalUrl = externalUrl;
    }

    /** One payload for the whole group, as Alertmanager sends it. */
    @Override
    public DeliveryResult deliver(Notification notification) {
        byte[] body = JsonCodec.standard().write(WebhookMessage.of(config.name(), externalUrl, notification));
        Map<String, String> headers = new LinkedHashMap<>(config.headers());
        headers.put(IDEMPOTENCY_HEADER, notification.idempotencyKey());
        return poster.post(body, headers);
    }

    @Override
    public String toString() {
        return config.name() + " (webhook " + Redact.origin(config.url()) + ", timeout " + Durations.format(config.timeout()) + ")";
    }
}
