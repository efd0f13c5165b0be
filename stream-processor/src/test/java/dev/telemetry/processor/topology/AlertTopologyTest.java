package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.processor.rules.AlertFingerprint;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.evaluation.AlertRuleProcessor;
import dev.telemetry.processor.rules.AlertState;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.rules.Statistic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule evaluation inside {@link TelemetryTopology}: closed windows in, alert state changes out on the alerts topic. */
class AlertTopologyTest {

    @TempDir
    Path stateDir;

    private TopologyHarness harness;

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void shouldEmitPendingFiringResolvedOncePerChangeWhenWindowsBreachThenRecover() {
        harness = new TopologyHarness(stateDir, List.of(rule("checkout_slow", 2, Map.of())));
        String fingerprint = AlertFingerprint.of("checkout_slow", APP, "checkout_ms{region=eu}");

        checkout(0, 150);
        checkout(1, 180);
        checkout(2, 190);
        checkout(3, 50);
        harness.wallClockTo(at(300));

        List<KeyValue<String, AlertEvent>> alerts = harness.alerts.readKeyValuesToList();
        assertThat(alerts).extracting(kv -> kv.key).containsOnly(fingerprint);
        assertThat(alerts).extracting(kv -> kv.value.status())
                .containsExactly(AlertStatus.PENDING, AlertStatus.FIRING, AlertStatus.RESOLVED);
        assertThat(alerts).extracting(kv -> kv.value.value()).containsExactly(150.0, 180.0, 50.0);
        assertThat(alerts.get(2).value).isEqualTo(new AlertEvent(1, fingerprint, AlertStatus.RESOLVED, "checkout_slow",
                "checkout_ms", "mean",
                Map.of("alertname", "checkout_slow", "app", APP, "severity", "high", "region", "eu"),
                50.0, 100.0, "gt", "high", List.of("#alerts"), Map.of("summary", "checkout is slow"),
                at(0), at(180), at(240)));
        assertThat(harness.counters.alerts).isEqualTo(Map.of(AlertStatus.PENDING, 1, AlertStatus.FIRING, 1,
                AlertStatus.RESOLVED, 1));
        KeyValueStore<String, AlertState> states = harness.driver.getKeyValueStore(AlertRuleProcessor.STATES_STORE);
        assertThat(states.get(fingerprint)).as("resolved alerts leave no state").isNull();
    }

    @Test
    void shouldAlertOnlyMatchingSeriesWhenRuleFiltersByLabels() {
        harness = new TopologyHarness(stateDir, List.of(rule("checkout_slow_us", 0, Map.of("region", "us"))));

        harness.metric(APP, "checkout_ms", Map.of("region", "eu"), 500, at(1));
        harness.metric(APP, "checkout_ms", Map.of("region", "us"), 500, at(2));
        harness.wallClockTo(at(70));

        List<AlertEvent> alerts = harness.alerts.readValuesToList();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).labels()).containsEntry("region", "us");
        assertThat(alerts.get(0).status()).isEqualTo(AlertStatus.FIRING);
    }

    @Test
    void shouldEmitNoAlertWhenNoRuleMatches() {
        harness = new TopologyHarness(stateDir, List.of(rule("checkout_slow", 0, Map.of())));

        harness.metric("payment_ms", 5000, at(1));
        harness.wallClockTo(at(70));

        assertThat(harness.summaries.readValuesToList()).hasSize(1);
        assertThat(harness.alerts.isEmpty()).isTrue();
    }

    @Test
    void shouldFireOnWindowPercentileWhenRuleUsesP95OfRequestLatency() {
        // The seed's response_time_p95 rule with duration 0, on one endpoint's request latency
        harness = new TopologyHarness(stateDir, List.of(new AlertRule("response_time_p95", "response_time", Statistic.P95,
                Map.of(), Operator.GT, 2000.0, 0, Severity.MEDIUM, List.of("#performance"), Map.of(), Duration.ZERO)));
        for (int i = 1; i <= 19; i++) {
            harness.request("198.51.100.1", "/api/cart", 200, 100, null, at(i));
        }
        harness.request("198.51.100.1", "/api/cart", 200, 3000, null, at(20));
        harness.request("198.51.100.1", "/api/search", 200, 3000, null, at(21));
        harness.request("198.51.100.1", "/api/search", 200, 2500, null, at(22));
        harness.wallClockTo(at(70));

        // Few values: p95 is the nearest rank, the value at rank ceil(0.95 * n): /api/cart's 20 values give rank 19,
        // 100 ms; /api/search's two give rank 2, its slow request's 3000 ms, over the threshold.
        List<AlertEvent> alerts = harness.alerts.readValuesToList();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).labels()).containsEntry("endpoint", "/api/search");
        assertThat(alerts.get(0).stat()).isEqualTo("p95");
        assertThat(alerts.get(0).value()).isEqualTo(3000.0);
    }

    @Test
    void shouldFireOnceForTheAppWhenErrorRateRuleSeesServerErrorsAcrossEndpoints() {
        // The seed's error_rate rule (mean > 0.05) with duration 0: it reads the per-app series, so an app with
        // 1 failure in 10 requests over two endpoints alerts once, labelled by app and not by endpoint.
        harness = new TopologyHarness(stateDir, List.of(new AlertRule("error_rate", "error_rate", Statistic.MEAN,
                Map.of(), Operator.GT, 0.05, 0, Severity.HIGH, List.of("#alerts"), Map.of(), Duration.ZERO)));
        harness.request("198.51.100.1", "/api/orders", 500, 100, null, at(1));
        for (int i = 2; i <= 10; i++) {
            harness.request("198.51.100.1", "/api/cart", 200, 100, null, at(i));
        }
        harness.wallClockTo(at(70));

        List<AlertEvent> alerts = harness.alerts.readValuesToList();
        assertThat(alerts).extracting(AlertEvent::status).containsExactly(AlertStatus.FIRING);
        assertThat(alerts.get(0).fingerprint()).isEqualTo(AlertFingerprint.of("error_rate", APP, "error_rate"));
        assertThat(alerts.get(0).labels()).isEqualTo(Map.of("alertname", "error_rate", "app", APP, "severity", "high"));
        assertThat(alerts.get(0).value()).isEqualTo(0.1);
    }

    private void checkout(int minute, double value) {
        harness.metric(APP, "checkout_ms", Map.of("region", "eu"), value, at(Duration.ofMinutes(minute).plusSeconds(30)));
    }

    private static AlertRule rule(String name, int durationMinutes, Map<String, String> labels) {
        return new AlertRule(name, "checkout_ms", Statistic.MEAN, labels, Operator.GT, 100.0, durationMinutes,
                Severity.HIGH, List.of("#alerts"), Map.of("summary", "checkout is slow"), Duration.ZERO);
    }
}
