package dev.telemetry.alerts.notify.alertmanager;

import dev.telemetry.alerts.notify.HttpReceiverConfig;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.ReceiverConfigs;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/** Posts alerts to a real Alertmanager's {@code /api/v2/alerts}; {@code url} is its base URL. */
public record AlertmanagerConfig(String name, String url, Duration timeout) implements HttpReceiverConfig {
    public AlertmanagerConfig {
        url = ReceiverConfigs.strip(url);
        timeout = ReceiverConfigs.timeout(timeout);
    }

    /** The alerts endpoint under the base URL. */
    public URI alertsUri() {
        return URI.create(url.replaceAll("/+$", "") + "/api/v2/alerts");
    }

    @Override
    public URI target() {
        return alertsUri();
    }

    @Override
    public String toString() {
        return HttpReceiverConfig.describe("Alertmanager", this);
    }

    @Override
    public Notifier notifier(String externalUrl, Clock clock) {
        return new AlertmanagerNotifier(this, externalUrl, clock);
    }
}
