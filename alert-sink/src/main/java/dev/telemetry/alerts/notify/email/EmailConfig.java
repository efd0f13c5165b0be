package dev.telemetry.alerts.notify.email;

import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.ReceiverConfig;
import dev.telemetry.alerts.notify.ReceiverConfigs;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Sends each notification as an e-mail with text and HTML parts over SMTP; the password is the secret.
 *
 * @param startTls require STARTTLS before authenticating (off only for local test servers)
 */
public record EmailConfig(String name, String host, int port, String username, String password, String from, List<String> to,
             Boolean startTls, Duration timeout) implements ReceiverConfig {
    public EmailConfig {
        // Off only when asked: a password must not cross the network in clear by default.
        startTls = startTls == null || startTls;
        to = to == null ? List.of() : List.copyOf(to);
        timeout = ReceiverConfigs.timeout(timeout);
    }

    @Override
    public void validate(String key) {
        ReceiverConfigs.requireName(key, name);
        Require.notBlank(key + ".host", host);
        Require.port(key + ".port", port);
        Require.notBlank(key + ".from", from);
        if (to.isEmpty()) {
            throw new ConfigException(key + ".to", "must list at least one address");
        }
        Require.positive(key + ".timeout", timeout);
    }

    @Override
    public String toString() {
        return "Email[name=" + name + ", host=" + host + ":" + port + ", username=" + username
                + ", password=" + (password == null || password.isEmpty() ? "<none>" : "<redacted>") + ", from=" + from
                + ", to=" + to + ", startTls=" + startTls + "]";
    }

    @Override
    public Notifier notifier(String externalUrl, Clock clock) {
        return new EmailNotifier(this);
    }
}
