package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.processor.rules.AlertFingerprint;
import dev.telemetry.processor.rules.AlertRule;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prober's count of failed runs in a row ({@code consecutiveFailures}) becomes the series
 * {@code synthetic_consecutive_failures{check}}, and the shipped {@code synthetic_check_down} rule fires on
 * it at 3 and resolves once a window has no streak left. Input: telemetry.synthetic; output:
 * telemetry.summaries and telemetry.alerts.
 */
class SyntheticFailureStreakTest {

    @TempDir
    Path stateDir;

    private TopologyHarness harness;
    private TestInputTopic<String, Envelope> synthetic;

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldDeriveTheStreakSeriesWhenResultsCarryConsecutiveFailures() {
        start(List.of());

        result("login", true, 0, at(1));
        result("login", false, 1, at(2));
        result("login", false, 2, at(3));
        harness.wallClockTo(at(70));

        Summary streak = summariesByKey().get(APP + "|synthetic_consecutive_failures{check=login}");
        assertThat(TopologyHarness.exact(streak)).isEqualTo(new Summary(1, APP, "synthetic_consecutive_failures",
                "synthetic_consecutive_failures{check=login}", Map.of("check", "login"), at(0), at(60), 3, 3.0, 0.0, 2.0, 1.0));
    }

    @Test
    void shouldDeriveNoStreakSeriesWhenResultsComeWithoutACount() {
        start(List.of());

        harness.synthetic("login", false, 120.0, at(1));
        harness.wallClockTo(at(70));

        assertThat(summariesByKey()).containsKey(APP + "|synthetic_availability{check=login}")
                .doesNotContainKey(APP + "|synthetic_consecutive_failures{check=login}");
    }

    @Test
    void shouldFireTheShippedDownRuleAtThreeFailuresInARowAndResolveWhenTheCheckRecovers() {
        AlertRule down = ProcessorConfig.load(new String[0], Map.of()).rules().stream()
                .filter(r -> r.name().equals("synthetic_check_down")).findFirst().orElseThrow();
        start(List.of(down));
        String fingerprint = AlertFingerprint.of("synthetic_check_down", APP, "synthetic_consecutive_failures{check=login}");

        // Window 0: two failures in a row, below the threshold.
        result("login", false, 1, at(1));
        result("login", false, 2, at(2));
        // Window 1: the streak reaches 3, then the check recovers.
        result("login", false, 3, at(61));
        result("login", true, 0, at(62));
        // Window 2: passing.
        result("login", true, 0, at(121));
        harness.wallClockTo(at(200));

        List<KeyValue<String, AlertEvent>> alerts = harness.alerts.readKeyValuesToList();
        assertThat(alerts).extracting(kv -> kv.key).containsOnly(fingerprint);
        assertThat(alerts).extracting(kv -> kv.value.status()).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);
        AlertEvent firing = alerts.get(0).value;
        assertThat(firing.value()).isEqualTo(3.0);
        assertThat(firing.labels()).containsEntry("check", "login").containsEntry("severity", "critical")
                .containsEntry("alertname", "synthetic_check_down");
        assertThat(firing.channels()).containsExactly("#alerts");
    }

    private void start(List<AlertRule> rules) {
        harness = new TopologyHarness(stateDir, rules);
        synthetic = harness.driver.createInputTopic(TopicCatalogue.defaults().name(Topic.SYNTHETIC),
                Serdes.String().serializer(), JsonSerde.envelope().serializer());
    }

    private void result(String check, boolean success, int consecutiveFailures, Instant at) {
        SyntheticEvent event = new SyntheticEvent(check, success, success ? null : "expected status 200, got 500", 12.0,
                at.toEpochMilli(), consecutiveFailures);
        Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, APP, at, at,
                "203.0.113.9", "telemetry-synthetic-prober", event);
        synthetic.pipeInput(envelope.key(), envelope, at);
    }

    private Map<String, Summary> summariesByKey() {
        Map<String, Summary> byKey = new java.util.LinkedHashMap<>();
        harness.summaries.readKeyValuesToList().forEach(kv -> byKey.put(kv.key, kv.value));
        return byKey;
    }
}
