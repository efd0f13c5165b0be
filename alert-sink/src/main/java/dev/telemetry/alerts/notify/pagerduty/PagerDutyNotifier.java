package dev.telemetry.alerts.notify.pagerduty;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.HttpNotifier;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.events.codec.JsonCodec;
import java.time.Clock;
import java.util.Map;

/**
 * Triggers and resolves PagerDuty incidents. PagerDuty answers 202 when it accepted the event, 400
 * for an invalid one (permanent) and 429 when throttled (retried): exactly the shared classifier's
 * rules, so nothing is added on top. Reasons never contain the routing key. One event per
 * notification: a series on its own keeps its fingerprint as {@code dedup_key}; a group of several
 * alerts is one incident whose {@code dedup_key} stays the same for every notification of the group
 * (see {@link PagerDutyEvent#of(String, Notification)}), so a storm of series pages once.
 */
public final class PagerDutyNotifier extends HttpNotifier<PagerDutyConfig> implements Notifier.Grouped {

    public PagerDutyNotifier(PagerDutyConfig config, Clock clock) {
        super(config, clock);
    }

    @Override
    public DeliveryResult deliver(Notification notification) {
        DeliveryResult result = poster.post(JsonCodec.standard().write(PagerDutyEvent.of(config.routingKey(), notification)), Map.of());
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
