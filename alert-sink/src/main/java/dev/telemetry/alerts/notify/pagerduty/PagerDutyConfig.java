package dev.telemetry.alerts.notify.pagerduty;

import dev.telemetry.alerts.notify.HttpReceiverConfig;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.ReceiverConfigs;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.service.config.ConfigException;
import java.time.Clock;
import java.time.Duration;

/**
 * Triggers and resolves PagerDuty incidents through the Events API v2; the routing key is the secret.
 *
 * @param url the events endpoint; default PagerDuty's, tests point it at a local server
 * @see <a href="https://developer.pagerduty.com/docs/events-api-v2/trigger-events/">Events API v2</a>
 */
public record PagerDutyConfig(String name, String routingKey, String url, Duration timeout) implements HttpReceiverConfig {
    public static final String EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

    public PagerDutyConfig {
        url = url == null || url.isBlank() ? EVENTS_URL : url.strip();
        timeout = ReceiverConfigs.timeout(timeout);
    }

    @Override
    public void validate(String key) {
        ReceiverConfigs.requireName(key, name);
        if (routingKey == null || routingKey.isBlank()) {
            throw new ConfigException(key + ".routing-key", "must be set for a pagerduty receiver");
        }
        HttpReceiverConfig.super.validate(key);
    }

    @Override
    public String toString() {
        return "PagerDuty[name=" + name + ", routingKey=<redacted>, url=" + Redact.origin(url) + ", timeout=" + timeout + "]";
    }

    @Override
    public Notifier notifier(String externalUrl, Clock clock) {
        return new PagerDutyNotifier(this, clock);
    }
}
