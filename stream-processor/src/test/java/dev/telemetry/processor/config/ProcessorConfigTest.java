package dev.telemetry.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.telemetry.events.topic.Topic;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.rules.Statistic;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.service.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading {@code processor.yaml}, a user file and the environment into {@link ProcessorConfig}. */
class ProcessorConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldLoadShippedDefaultsWhenNoFileOrEnvironmentIsGiven() {
        ProcessorConfig config = ProcessorConfig.load(new String[0], Map.of());

        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.applicationId()).isEqualTo("telemetry-processor");
        assertThat(config.stateDir()).isEqualTo(".local/processor-state");
        assertThat(config.windows()).isEqualTo(new ProcessorConfig.Windows(Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(1)));
        assertThat(config.topics()).isEmpty();
        assertThat(config.http()).isEqualTo(new ProcessorConfig.Http("0.0.0.0", 8081));
        assertThat(config.numStreamThreads()).isEqualTo(2);
        assertThat(config.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.rules()).extracting(AlertRule::name).containsExactly("error_rate", "response_time_p95",
                "memory_usage", "database_connections", "fcp_over_budget", "lcp_over_budget", "fid_over_budget",
                "cls_over_budget", "tti_over_budget", "inp_over_budget", "slow_page_load", "synthetic_check_failing",
                "synthetic_check_down");
        assertThat(config.rules().get(0)).isEqualTo(new AlertRule("error_rate", "error_rate", Statistic.MEAN, Map.of(),
                Operator.GT, 0.05, 5, Severity.HIGH, List.of("#alerts", "#dev-team"),
                Map.of("summary", "More than 5 % of requests failed with a server error for 5 minutes"), Duration.ZERO));
        assertThat(config.rules().get(1)).extracting(AlertRule::metric, AlertRule::stat, AlertRule::threshold)
                .containsExactly("response_time", Statistic.P95, 2000.0);
        assertThat(config.rules()).filteredOn(r -> r.name().endsWith("_over_budget"))
                .extracting(AlertRule::metric, AlertRule::stat, AlertRule::threshold)
                .containsExactly(tuple("FCP", Statistic.P75, 1500.0), tuple("LCP", Statistic.P75, 2500.0),
                        tuple("FID", Statistic.P75, 100.0), tuple("CLS", Statistic.P75, 0.1),
                        tuple("TTI", Statistic.P75, 3800.0), tuple("INP", Statistic.P75, 200.0));
        assertThat(config.detection()).isEqualTo(dev.telemetry.processor.stage.Detection.defaults());
    }

    @Test
    void shouldOverrideDefaultsWhenEnvironmentVariablesAreSet() {
        ProcessorConfig config = ProcessorConfig.load(new String[0], Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "PROCESSOR_WINDOWS_SIZE", "5m",
                "PROCESSOR_WINDOWS_CLOSE_CHECK_INTERVAL", "250ms",
                "PROCESSOR_HTTP_PORT", "9091",
                "PROCESSOR_APPLICATION_ID", "processor-eu"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:9093");
        assertThat(config.windows().size()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.windows().closeCheckInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.http().port()).isEqualTo(9091);
        assertThat(config.applicationId()).isEqualTo("processor-eu");
    }

    @Test
    void shouldLayerUserFileOverDefaultsWhenConfigArgumentIsGiven() throws Exception {
        Path file = write("""
                windows: {grace: 30s}
                topics: {metrics: prod.metrics, summaries: prod.summaries}
                rules:
                  - name: checkout_slow
                    metric: checkout_ms
                    labels: {region: eu}
                    operator: gte
                    threshold: 2000
                    duration: 5
                    severity: critical
                    channels: ["#alerts"]
                    keep_firing_for: 2m
                """);

        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
        ProcessorSettings settings = config.settings();

        assertThat(settings.windowSize()).as("kept from the defaults").isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.grace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.topics().name(Topic.METRICS)).isEqualTo("prod.metrics");
        assertThat(settings.topics().name(Topic.VITALS)).isEqualTo("telemetry.vitals");
        assertThat(settings.rules()).as("a user's rules replace the default list").containsExactly(
                new AlertRule("checkout_slow", "checkout_ms", Statistic.MEAN, Map.of("region", "eu"), Operator.GTE,
                        2000.0, 5, Severity.CRITICAL, List.of("#alerts"), Map.of(), Duration.ofMinutes(2)));
    }

    @Test
    void shouldNameKeyWhenWindowSizeIsNotADuration() {
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0], Map.of("PROCESSOR_WINDOWS_SIZE", "soon")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("windows.size"))
                .hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void shouldNameKeyWhenValueBreaksItsRule() {
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0], Map.of("PROCESSOR_HTTP_PORT", "70000")))
                .isInstanceOf(ConfigException.class).hasMessage("http.port: must be a port between 0 and 65535, got 70000");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0], Map.of("PROCESSOR_WINDOWS_SIZE", "0s")))
                .isInstanceOf(ConfigException.class).hasMessage("windows.size: must be a positive duration, got PT0S");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0], Map.of("PROCESSOR_NUM_STREAM_THREADS", "0")))
                .isInstanceOf(ConfigException.class).hasMessage("num-stream-threads: must be greater than 0, got 0");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0], Map.of("PROCESSOR_RATE_LIMIT_PER_MINUTE", "0")))
                .isInstanceOf(ConfigException.class).hasMessage("rate-limit.per-minute: must be greater than 0, got 0");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0],
                Map.of("PROCESSOR_CARDINALITY_MAX_SERIES_PER_METRIC", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cardinality.max-series-per-metric:");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0],
                Map.of("PROCESSOR_CARDINALITY_MAX_METRICS_PER_APP", "0")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cardinality.max-metrics-per-app:");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0],
                Map.of("PROCESSOR_CARDINALITY_MAX_SERIES_PER_APP", "0")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("cardinality.max-series-per-app:");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0], Map.of("PROCESSOR_ERRORS_FORGET_AFTER", "30m")))
                .isInstanceOf(ConfigException.class).hasMessage(
                        "errors.forget-after: must be longer than regression-after-windows × windows.size (1h)");
    }

    @Test
    void shouldTakeVitalOffendersTopNAndNameItsKeyWhenOutOfRange() {
        assertThat(ProcessorConfig.load(new String[0], Map.of()).detection().vitalOffenders().topN()).isEqualTo(10);
        assertThat(ProcessorConfig.load(new String[0], Map.of("PROCESSOR_VITAL_OFFENDERS_TOP_N", "3")).detection()
                .vitalOffenders()).isEqualTo(new dev.telemetry.processor.stage.VitalOffendersLimits(3));
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0], Map.of("PROCESSOR_VITAL_OFFENDERS_TOP_N", "0")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("vital-offenders.top-n: must be between 1 and 1000, got 0");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[0], Map.of("PROCESSOR_VITAL_OFFENDERS_TOP_N", "1001")))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("vital-offenders.top-n"));
    }

    @Test
    void shouldNameRuleIndexAndKeyWhenOperatorIsUnknown() throws Exception {
        Path file = write("""
                rules:
                  - {name: ok, metric: LCP, operator: gt, threshold: 1, severity: low}
                  - {name: bad, metric: LCP, operator: above, threshold: 1, severity: low}
                """);

        assertThatThrownBy(() -> ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("rules[1].operator: must be one of gt, lt, eq, gte, lte");
    }

    @Test
    void shouldNameRuleIndexAndKeyWhenRequiredFieldIsMissing() throws Exception {
        Path file = write("""
                rules:
                  - {name: no_threshold, metric: LCP, operator: gt, severity: low}
                """);

        assertThatThrownBy(() -> ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("rules[0].threshold: must be set");
    }

    @Test
    void shouldRejectRuleWhenItsNameIsTaken() throws Exception {
        Path file = write("""
                rules:
                  - {name: slow, metric: LCP, operator: gt, threshold: 1, severity: low}
                  - {name: slow, metric: INP, operator: gt, threshold: 1, severity: low}
                """);

        assertThatThrownBy(() -> ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("rules[1].name: 'slow' is used by an earlier rule");
    }

    @Test
    void shouldNameRuleKeyWhenSeverityIsUnknown() throws Exception {
        Path file = write("""
                rules:
                  - {name: slow, metric: LCP, operator: gt, threshold: 1, severity: urgent}
                """);

        assertThatThrownBy(() -> ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("rules[0].severity: must be one of low, medium, high, critical");
    }

    @Test
    void shouldNameTopicKeyWhenTopicRoleIsUnknown() throws Exception {
        Path file = write("topics: {metricz: prod.metrics}\n");

        assertThatThrownBy(() -> ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("topics.metricz"))
                .hasMessageContaining("unknown topic");
    }

    @Test
    void shouldNameKeyWhenKeyIsUnknown() throws Exception {
        Path file = write("windows: {sise: 1m}\n");

        assertThatThrownBy(() -> ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("windows.sise"));
    }

    @Test
    void shouldRejectArgumentWhenItIsNotConfig() {
        assertThatThrownBy(() -> ProcessorConfig.load(new String[] {"--verbose"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--verbose: unknown argument (usage: [--config <file>])");
        assertThatThrownBy(() -> ProcessorConfig.load(new String[] {"--config"}, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("--config: needs a file: --config <file>");
    }

    private Path write(String yaml) throws Exception {
        return Files.writeString(dir.resolve("processor.yaml"), yaml);
    }
}
