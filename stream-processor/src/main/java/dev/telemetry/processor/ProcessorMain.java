package dev.telemetry.processor;

import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.lifecycle.Shutdown;

/** Runs the stream processor until SIGTERM: {@code java -jar stream-processor.jar [--config processor.yaml]}. */
public final class ProcessorMain {

    private ProcessorMain() {
    }

    public static void main(String[] args) {
        ProcessorConfig config;
        try {
            config = ProcessorConfig.load(args);
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Shutdown.runUntilStopped("stream-processor", () -> StreamProcessor.start(config));
    }
}
