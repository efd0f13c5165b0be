package dev.telemetry.alerts;

import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.lifecycle.Shutdown;

/** Runs the alert sink: {@code java -jar alert-sink.jar [--config sink.yaml]}. */
public final class SinkMain {

    private SinkMain() {
    }

    public static void main(String[] args) {
        SinkConfig config;
        try {
            config = SinkConfig.load(args);
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Shutdown.runUntilStopped("alert-sink", () -> AlertSink.start(config));
    }
}
