package dev.telemetry.prober;

import dev.telemetry.prober.config.ProberConfig;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.lifecycle.Shutdown;

/** Runs the synthetic prober: {@code java -jar synthetic-prober.jar [--config prober.yaml]}. */
public final class ProberMain {

    private ProberMain() {
    }

    public static void main(String[] args) {
        ProberConfig config;
        try {
            config = ProberConfig.load(args);
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Shutdown.runUntilStopped("synthetic-prober", () -> Prober.start(config));
    }
}
