package dev.telemetry.alerts.notify.slack;

import dev.telemetry.alerts.notify.HttpReceiverConfig;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.ReceiverConfigs;
import java.time.Clock;
import java.time.Duration;

/**
 * Posts a message a tired person understands to a Slack incoming webhook; the URL is the secret.
 *
 * @see <a href="https://api.slack.com/messaging/webhooks">Slack incoming webhooks</a>
 */
public record SlackConfig(String name, String url, Duration timeout) implements HttpReceiverConfig {
    public SlackConfig {
        url = ReceiverConfigs.strip(url);
        timeout = ReceiverConfigs.timeout(timeout);
    }

    @Override
    public String toString() {
        return HttpReceiverConfig.describe("Slack", this);
    }

    @Override
    public Notifier notifier(String externalUrl, Clock clock) {
        return new SlackNotifier(this, clock);
    }
}
