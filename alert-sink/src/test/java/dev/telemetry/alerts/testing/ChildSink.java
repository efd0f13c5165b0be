package dev.telemetry.alerts.testing;

import dev.telemetry.alerts.SinkMain;
import java.io.IOException;
import java.nio.file.Path;

/** The sink in its own JVM, as it runs in production, so that SIGKILL ({@code destroyForcibly}) ends it without any shutdown hook. */
public final class ChildSink {

    private ChildSink() {
    }

    /** Starts {@code SinkMain --config yaml} with the test's class path; its output goes to {@code log}. */
    public static Process start(Path yaml, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), SinkMain.class.getName(),
                "--config", yaml.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
