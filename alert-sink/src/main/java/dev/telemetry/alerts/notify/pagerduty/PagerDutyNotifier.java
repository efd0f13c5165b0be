package dev.telemetry.alerts.notify.pagerduty;

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
 * Triggers and resolves PagerDuty incidents. PagerDuty answers 202 when it accepted the event, 400
 * for an invalid one (permanent) and 429 when throttled (retried): exactly the shared classifier's
 * rules, so nothing is added on top. Reasons never contain the routing key.
 */
public final class PagerDutyNotifier implements Notifier {

    private final ReceiverConfig.PagerDuty config;
    private final JsonPoster poster;

    public PagerDutyNotifier(ReceiverConfig.PagerDuty config, Clock clock) {
        this.config = config;
        this.poster = new JsonPoster(config.uri(), config.timeout(), clock);
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
        DeliveryResult result = poster.post(JsonCodec.standard().write(PagerDutyEvent.of(config.routingKey(), alert)), Map.of());
        // PagerDuty may echo the request in an error body: keep the routing key out of reasons.
        if (result instanceof DeliveryResult.Retryable r) {
            return new DeliveryResult.Retryable(r.reason().replace(config.routingKey(), "<redacted>"), r.retryAfter());
        }
        if (result instanceof DeliveryResult.Permanent p) {
            return new DeliveryResult.Permanent(p.reason().replace(config.routingKey(), "<redacted>"));
        }
        return result;
    }

    @Override
    public String toString() {
        return config.name() + " (pagerduty " + Redact.origin(config.url()) + ")";
    }
}
