package dev.telemetry.alerts.notify.log;

import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.ReceiverConfig;
import dev.telemetry.alerts.notify.ReceiverConfigs;
import java.time.Clock;

/** Writes each alert as one readable line to the sink's log. */
public record LogConfig(String name) implements ReceiverConfig {
    @Override
    public void validate(String key) {
        ReceiverConfigs.requireName(key, name);
    }

    @Override
    public Notifier notifier(String externalUrl, Clock clock) {
        return new LogNotifier(name);
    }
}
