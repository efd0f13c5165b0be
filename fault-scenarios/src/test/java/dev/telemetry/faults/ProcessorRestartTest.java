package dev.telemetry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The processor SIGKILLed under load and started again a minute later on the same state directory and application
 * id, while the gateway kept accepting: it comes back to a backlog of a minute's load (a million events on a quiet
 * machine, where the gateway takes the offered 30 000 events/s; what a loaded CI machine's gateway absorbs, at least
 * {@link #MIN_BACKLOG}), every one of which must be summarised exactly once.
 */
class ProcessorRestartTest {

    /** Enough that the processor restarts into a real backlog, whatever the machine (CI saw 818 491 under load). */
    private static final long MIN_BACKLOG = 250_000;

    @Test
    void shouldSummariseABacklogOfAMillionEventsExactlyOnceWhenTheProcessorIsKilledAndRestarted() throws Exception {
        // 30k events/s for the minute the processor is down: 1.8 million, with room below the gateway's ~70k/s here.
        LoadSettings load = LoadSettings.of(Duration.ofSeconds(80)).withClients(8, 250, 30_000);
        ScenarioSettings settings = Scenarios.shortWindows(load, Duration.ofSeconds(150));

        ScenarioResult result = new FaultScenarios(settings).processorRestart(Duration.ofSeconds(10), Duration.ofSeconds(60));

        System.out.println(result.table());
        assertThat(result.measurement(FaultScenarios.BACKLOG_AT_RESTART)).as("the backlog the processor came back to\n%s",
                result.table()).isGreaterThanOrEqualTo(MIN_BACKLOG);
        ScenarioAssertions.assertNoLoss(result);
        // The processor's account survived the SIGKILL too: every raw record counted exactly once, window by window.
        ScenarioAssertions.assertAuditReconciles(result);
    }
}
