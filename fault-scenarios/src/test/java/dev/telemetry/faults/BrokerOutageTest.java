package dev.telemetry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The scenario with real processes: the broker is SIGKILLed under load and started again on the same data
 * directory and ports. Every acknowledged event must be in telemetry.metrics and summarised exactly once.
 */
class BrokerOutageTest {

    @Test
    void shouldSummariseEveryAcknowledgedEventExactlyOnceWhenTheBrokerIsKilledAndRestarted() throws Exception {
        ScenarioSettings settings = Scenarios.shortWindows(LoadSettings.of(Duration.ofSeconds(40)), Duration.ofSeconds(60));

        ScenarioResult result = new FaultScenarios(settings).brokerOutage(Duration.ofSeconds(12), Duration.ofSeconds(8));

        System.out.println(result.table());
        // The harness did its part: load before and after the outage, refusals while the broker was down.
        assertThat(result.acknowledged()).as("events acknowledged\n%s", result.table()).isPositive();
        assertThat(result.unavailable()).as("requests refused while the broker was down\n%s", result.table()).isPositive();
        ScenarioAssertions.assertNoLoss(result);
        ScenarioAssertions.assertAuditReconciles(result);
    }
}
