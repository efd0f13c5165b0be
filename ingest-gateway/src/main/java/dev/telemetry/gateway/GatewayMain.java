package dev.telemetry.gateway;

import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.lifecycle.Shutdown;

/** Runs the ingest gateway until SIGTERM: {@code java -jar ingest-gateway.jar [--config gateway.yaml]}. */
public final class GatewayMain {

    private GatewayMain() {
    }

    public static void main(String[] args) {
        GatewayConfig config;
        try {
            config = GatewayConfig.load(args, System.getenv());
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Shutdown.runUntilStopped("ingest-gateway", () -> GatewayServer.start(config));
    }
}
