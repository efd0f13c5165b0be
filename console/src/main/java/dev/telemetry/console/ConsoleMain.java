package dev.telemetry.console;

import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.lifecycle.Shutdown;

/** Runs the console until SIGTERM: {@code java -jar console.jar [--config console.yaml]}. */
public final class ConsoleMain {

    private ConsoleMain() {
    }

    public static void main(String[] args) {
        ConsoleConfig config;
        try {
            config = ConsoleConfig.load(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Shutdown.runUntilStopped("console", () -> ConsoleServer.start(config));
    }
}
