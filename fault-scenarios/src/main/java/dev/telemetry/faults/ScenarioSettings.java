package dev.telemetry.faults;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What every scenario shares.
 *
 * @param launcher     how the services are started (deployed jars or this classpath)
 * @param workDir      where each run gets its directory: data, state, configs and the services' logs, kept
 * @param windows      the processor's windows
 * @param load         the clients' load; its duration is the scenario's
 * @param drainTimeout how long after the load (and the last window's size + grace) the summaries may take to add
 *                     up before the scenario gives up counting
 */
public record ScenarioSettings(Launcher launcher, Path workDir, Windows windows, LoadSettings load,
                               Duration drainTimeout) {

    public ScenarioSettings withLoad(LoadSettings load) {
        return new ScenarioSettings(launcher, workDir, windows, load, drainTimeout);
    }

    public ScenarioSettings withDrainTimeout(Duration drainTimeout) {
        return new ScenarioSettings(launcher, workDir, windows, load, drainTimeout);
    }
}
