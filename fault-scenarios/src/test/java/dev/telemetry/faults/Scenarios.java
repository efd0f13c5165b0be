package dev.telemetry.faults;

import java.nio.file.Path;
import java.time.Duration;

/** The tests' settings: the services from this build's classpath, runs kept under target/ for a post-mortem. */
final class Scenarios {

    private Scenarios() {
    }

    static ScenarioSettings shortWindows(LoadSettings load, Duration drainTimeout) {
        return new ScenarioSettings(Launcher.classpath(), Path.of("target", "fault-runs"), Windows.SHORT, load, drainTimeout);
    }
}
