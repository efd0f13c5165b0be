package dev.telemetry.alerts.notify.sentry;

import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.ReceiverConfig;
import dev.telemetry.alerts.notify.ReceiverConfigs;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.service.config.Require;
import java.time.Clock;
import java.time.Duration;

/**
 * Captures each notification as a Sentry event (message, level from severity, tags from labels)
 * with the Sentry Java SDK; the DSN is the secret.
 *
 * @param forwardErrors   also forward {@code telemetry.errors} (the seed's {@code reportError}) to this project
 * @param forwardFeedback also forward {@code telemetry.feedback} as Sentry user feedback
 */
public record SentryConfig(String name, String dsn, String environment, Duration timeout, Boolean forwardErrors,
              Boolean forwardFeedback) implements ReceiverConfig {
    public SentryConfig {
        forwardErrors = forwardErrors != null && forwardErrors;
        forwardFeedback = forwardFeedback != null && forwardFeedback;
        dsn = ReceiverConfigs.strip(dsn);
        environment = environment == null || environment.isBlank() ? "production" : environment;
        timeout = ReceiverConfigs.timeout(timeout);
    }

    public SentryConfig(String name, String dsn, String environment, Duration timeout) {
        this(name, dsn, environment, timeout, false, false);
    }

    @Override
    public void validate(String key) {
        ReceiverConfigs.requireName(key, name);
        ReceiverConfigs.requireHttpUrl(key + ".dsn", dsn);
        Require.positive(key + ".timeout", timeout);
    }

    @Override
    public String toString() {
        return "Sentry[name=" + name + ", dsn=" + Redact.origin(dsn) + ", environment=" + environment
                + ", forwardErrors=" + forwardErrors + ", forwardFeedback=" + forwardFeedback + "]";
    }

    @Override
    public Notifier notifier(String externalUrl, Clock clock) {
        return new SentryNotifier(this);
    }
}
