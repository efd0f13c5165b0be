package dev.telemetry.service.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every service's registry scrapes to text that Prometheus' own linter, promtool, accepts. */
class PrometheusLintFilterTest {

    /** Debian's `prometheus` package; override with -Dpromtool=/path. */
    private static final Path PROMTOOL = Path.of(System.getProperty("promtool", "/usr/bin/promtool"));

    @Test
    void shouldDropNonBaseUnitsPluraliseCountGaugesAndAddHelpWhenKafkaStyleMetersAreRegistered() {
        PrometheusMeterRegistry registry = Metrics.registry("test");
        registerKafkaStyleMeters(registry);

        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("process_cpu_seconds_total{")
                .contains("kafka_producer_connections{")
                .contains("system_cpus{")
                .contains("# HELP kafka_producer_node_request_latency_avg kafka.producer.node.request.latency.avg")
                .doesNotContain("_ns_total", "_time_ms", "connection_count", "system_cpu_count");
    }

    @Test
    void shouldPassPromtoolCheckMetricsWhenServiceRegistryIsScraped() throws Exception {
        assertThat(Files.isExecutable(PROMTOOL))
                .as("promtool not found at %s: install Debian's `prometheus` package (or pass -Dpromtool=...)", PROMTOOL)
                .isTrue();
        PrometheusMeterRegistry registry = Metrics.registry("test");
        registerKafkaStyleMeters(registry);

        Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = promtool.getOutputStream()) {
            in.write(registry.scrape().getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();

        assertThat(promtool.exitValue()).as("promtool check metrics said:%n%s", output).isZero();
    }

    /** The shapes KafkaClientMetrics registers, which promtool rejected before the filter. */
    private static void registerKafkaStyleMeters(PrometheusMeterRegistry registry) {
        FunctionCounter.builder("kafka.producer.io.time.ns.total", 1.0, v -> v)
                .description("The total time the I/O thread spent doing I/O").register(registry);
        Gauge.builder("kafka.app.info.start.time.ms", () -> 1.0).description("start time").register(registry);
        Gauge.builder("kafka.producer.connection.count", () -> 2.0).description("The current number of active connections.")
                .register(registry);
        Gauge.builder("kafka.producer.node.request.latency.avg", () -> 3.0).register(registry);
    }
}
