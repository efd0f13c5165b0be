package dev.telemetry.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The processor cut off the broker for 35 s by a blackholing proxy (nothing closed, nothing delivered) while the
 * gateway keeps writing to the broker; then the network heals. Nothing may be lost or counted twice. A little over
 * Kafka's 30 s request timeout, so that the processor's clients also time out and reconnect into the blackhole.
 */
class ProcessorPartitionTest {

    @Test
    void shouldSummariseEveryAcknowledgedEventExactlyOnceWhenTheProcessorIsPartitionedFromTheBroker() throws Exception {
        ScenarioSettings settings = Scenarios.shortWindows(LoadSettings.of(Duration.ofSeconds(55)), Duration.ofSeconds(90));

        ScenarioResult result = new FaultScenarios(settings).processorPartition(Duration.ofSeconds(10), Duration.ofSeconds(35));

        System.out.println(result.table());
        // The fault was real: not a byte crossed the proxy, the processor committed nothing, the gateway went on.
        assertThat(result.measurement(FaultScenarios.BYTES_DURING_PARTITION)).as("bytes through the partition\n%s",
                result.table()).isZero();
        assertThat(result.measurement(FaultScenarios.COMMITTED_DURING_PARTITION)).as("offsets the processor committed"
                + " while partitioned\n%s", result.table()).isZero();
        assertThat(result.measurement(FaultScenarios.ACKNOWLEDGED_DURING_FAULT)).as("events acknowledged during the"
                + " partition\n%s", result.table()).isPositive();
        ScenarioAssertions.assertNoLoss(result);
    }
}
