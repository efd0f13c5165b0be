package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.T0;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.processor.stage.Detection;
import dev.telemetry.processor.stage.EventRollups;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Per-item findings rolled up into one alert per rule, app and window ({@code rollup/}) in {@link TelemetryTopology}:
 * bounded notifications for a storm, the findings themselves still one per item.
 */
class EventRollupTopologyTest extends HarnessTestSupport {

    /** The rate limit lowered to 2 requests/min, so 2 000 IPs cross it with 6 000 requests. */
    private static final int LIMIT = 2;

    @Test
    void shouldSendAtMostThreeAlertsNamingCountAndTopOffendersWhenTwoThousandIpsCrossTheRateLimitInOneMinute() {
        useDetection(LIMIT, EventRollups.defaults());

        // When: 2 000 IPs cross the limit on /api/login over 50 s, the first also on two more endpoints
        for (int i = 0; i < 2_000; i++) {
            overLimit(ip(i), "/api/login", at(Duration.ofMillis(25L * i)));
            if (i % 400 == 399) {
                harness.wallClockTo(at(Duration.ofMillis(25L * i)));
            }
        }
        overLimit(ip(0), "/api/search", at(51));
        overLimit(ip(0), "/api/cart", at(52));
        harness.wallClockTo(at(75));

        // Then: the findings stay one per (ip, endpoint) ...
        assertThat(harness.findings.readValuesToList()).hasSize(2_002)
                .allMatch(f -> ((SecurityEvent) f.event()).event().equals("Rate Limit Exceeded"));
        // ... and the alerts are one rollup, sent at the first IP, updated, and final at the close
        List<AlertEvent> alerts = rollups("rate_limit_exceeded");
        assertThat(alerts).hasSizeBetween(2, 3);
        assertThat(alerts).extracting(AlertEvent::fingerprint).containsOnly(alerts.get(0).fingerprint());
        assertThat(alerts).extracting(AlertEvent::startsAt).containsOnly(T0);
        assertThat(alerts).extracting(AlertEvent::status).containsOnly(AlertStatus.FIRING);
        assertThat(alerts.get(0).value()).as("sent at the first offender").isEqualTo(1.0);
        AlertEvent last = alerts.get(alerts.size() - 1);
        assertThat(last.labels()).containsOnlyKeys("alertname", "app", "severity");
        assertThat(last.value()).isEqualTo(2_002.0);
        assertThat(last.annotations()).containsEntry("count", "2002").containsEntry("distinct_ips", "2000")
                .containsEntry("window_start", T0.toString()).doesNotContainKey("others");
        assertThat(last.annotations().get("top_offenders").split(", ")).hasSize(10)
                .startsWith(ip(0) + " (3)", ip(1) + " (1)");
        assertThat(last.annotations().get("summary")).isEqualTo("2000 IPs crossed the rate limit of 2 requests/min on "
                + APP + " in the window from 2025-03-01 10:00 UTC (2002 findings)");
    }

    @Test
    void shouldKeepOneFingerprintAcrossWindowsAndStartEachWindowAnewWhenTheNextMinuteCrossesToo() {
        useDetection(LIMIT, EventRollups.defaults());
        overLimit(ip(1), "/api/login", at(1));
        overLimit(ip(2), "/api/login", at(61));
        harness.wallClockTo(at(135));

        List<AlertEvent> alerts = rollups("rate_limit_exceeded");
        assertThat(alerts).extracting(AlertEvent::startsAt).containsExactly(at(0), at(60));
        assertThat(alerts).extracting(AlertEvent::fingerprint).containsOnly(alerts.get(0).fingerprint());
        assertThat(alerts).extracting(a -> a.annotations().get("top_offenders")).containsExactly(ip(1) + " (1)",
                ip(2) + " (1)");
    }

    @Test
    void shouldRollUpIntoOneAlertWhenFiveHundredIpsAttemptSqlInjection() {
        for (int i = 0; i < 500; i++) {
            harness.request(ip(i), "/search", 200, 5, "q=1%27%20OR%20%271%27%3D%271", at(Duration.ofMillis(100L * i)));
        }
        harness.wallClockTo(at(75));

        assertThat(harness.findings.readValuesToList()).hasSize(500);
        List<AlertEvent> alerts = rollups("sqli_attempt");
        assertThat(alerts).as("the first at once, the last when the window closes").hasSize(2);
        assertThat(alerts).extracting(AlertEvent::fingerprint).containsOnly(alerts.get(0).fingerprint());
        assertThat(alerts.get(1).annotations()).containsEntry("count", "500").containsEntry("distinct_ips", "500");
    }

    @Test
    void shouldNameDistinctFingerprintsWhenADeployBringsThreeHundredNewErrors() {
        for (int i = 0; i < 300; i++) {
            harness.error("DeployError" + (char) ('A' + i / 26 % 26) + (char) ('A' + i % 26), "broken", null,
                    at(Duration.ofMillis(100L * i)));
        }
        harness.wallClockTo(at(75));

        List<AlertEvent> alerts = rollups("new_error_fingerprint");
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).annotations()).containsEntry("count", "300")
                .containsEntry("distinct_fingerprints", "300");
        assertThat(alerts.get(1).annotations().get("top_offenders").split(", ")).hasSize(10);
    }

    @Test
    void shouldCountBeyondTheKeptSubjectsAsOthersWhenMoreDistinctItemsArriveThanKept() {
        useDetection(LIMIT, new EventRollups(Duration.ofSeconds(30), 5, 3));
        for (int i = 0; i < 8; i++) {
            overLimit(ip(i), "/api/login", at(i));
        }
        overLimit(ip(0), "/api/cart", at(9));
        overLimit(ip(7), "/api/cart", at(10));
        harness.wallClockTo(at(75));

        AlertEvent last = rollups("rate_limit_exceeded").get(1);
        assertThat(last.annotations()).containsEntry("count", "10").containsEntry("distinct_ips", "5+")
                .containsEntry("others", "4");
        assertThat(last.annotations().get("top_offenders")).isEqualTo(ip(0) + " (2), " + ip(1) + " (1), " + ip(2) + " (1)");
    }

    @Test
    void shouldSendAnUpdateOnlyAfterTheIntervalWhenTheCountGrows() {
        useDetection(LIMIT, EventRollups.defaults());
        overLimit(ip(1), "/api/login", at(1));
        overLimit(ip(2), "/api/login", at(2));
        harness.wallClockTo(at(20));
        assertThat(rollups("rate_limit_exceeded")).extracting(AlertEvent::value).containsExactly(1.0);

        // When: 30 s after the first alert
        harness.wallClockTo(at(31));
        assertThat(rollups("rate_limit_exceeded")).extracting(AlertEvent::value).containsExactly(2.0);

        // Then: nothing more while nothing grows, not even at the close
        harness.wallClockTo(at(75));
        assertThat(rollups("rate_limit_exceeded")).isEmpty();
    }

    private void useDetection(int rateLimit, EventRollups rollups) {
        harness.close();
        Detection d = Detection.defaults();
        harness = new TopologyHarness(stateDir, List.of(), T0, new Detection(rateLimit, d.slowPageLoadMs(),
                d.errorRules(), d.regressionWindows(), d.forgetFingerprintsAfter(), d.cardinality(),
                d.securityChannels(), rollups));
    }

    /** One more request than the limit from {@code ip} to {@code endpoint}, all at {@code at}. */
    private void overLimit(String ip, String endpoint, java.time.Instant at) {
        for (int r = 0; r <= LIMIT; r++) {
            harness.request(ip, endpoint, 200, 5, null, at);
        }
    }

    private List<AlertEvent> rollups(String rule) {
        return harness.alerts.readValuesToList().stream().filter(a -> a.rule().equals(rule)).toList();
    }

    private static String ip(int i) {
        return "10.0." + (i / 250) + "." + (i % 250);
    }
}
