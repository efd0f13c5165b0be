package dev.telemetry.processor.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.processor.slo.spec.SliType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./telemetry slo backfill NAME}'s errors, as the script's main reports them. */
class SloBackfillCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return dev.telemetry.processor.SloBackfillMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path config() throws Exception {
        Path file = dir.resolve("processor.yaml");
        Files.writeString(file, String.join("\n",
                "kafka:",
                "  bootstrap-servers: 127.0.0.1:1",
                "slos:",
                "  - name: checkout-availability",
                "    objective: 99.9",
                "    sli: {type: availability, endpoint: /api/checkout}",
                "  - name: checkout-latency",
                "    objective: 99",
                "    sli: {type: latency, endpoint: /api/checkout, threshold: 1s}",
                ""));
        return file;
    }

    @Test
    void shouldExitTwoNamingTheConfiguredSlosWhenTheNameIsUnknown() throws Exception {
        int code = run("checkout", "--config", config().toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown SLO 'checkout'")
                .contains("checkout-availability, checkout-latency");
    }

    @Test
    void shouldExitOneWithAClearMessageWhenKafkaIsUnreachable() throws Exception {
        int code = run("checkout-latency", "--config", config().toString(), "--timeout", "2s");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot reach Kafka at 127.0.0.1:1");
    }

    @Test
    void shouldExitTwoWithUsageWhenNoNameIsGiven() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: ./telemetry slo backfill NAME");
    }

    @Test
    void shouldReadOnlyTheRawTopicsTheSliNeeds() {
        assertThat(SloBackfill.rawTopics(SliType.LATENCY)).containsExactly(dev.telemetry.events.topic.Topic.REQUESTS);
        assertThat(SloBackfill.rawTopics(SliType.RATIO)).isEqualTo(List.of(dev.telemetry.events.topic.Topic.METRICS));
    }
}
