package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code ./telemetry up}'s options: each service's configuration file goes to that service alone. */
class LocalStackMainTest {

    @Test
    void shouldHandTheProberItsOwnFileWhenProberConfigIsGiven() {
        LocalStack.Options options = LocalStackMain.parse(new String[] {"--prober-config", "probes.yaml",
                "--sink-config", "sink.yaml"});

        assertThat(options.proberArgs()).containsExactly("--config", "probes.yaml");
        assertThat(options.sinkArgs()).containsExactly("--config", "sink.yaml");
        assertThat(options.gatewayArgs()).isEmpty();
    }

    @Test
    void shouldUseTheProbersShippedDefaultsWhenNoFileIsGiven() {
        assertThat(LocalStackMain.parse(new String[0]).proberArgs()).isEmpty();
    }
}
