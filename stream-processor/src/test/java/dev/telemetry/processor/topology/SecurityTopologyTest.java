package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.stage.Detection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.Test;

/** Rate limits, injection findings, security-event, error alerts and poison records in {@link TelemetryTopology}. */
class SecurityTopologyTest extends HarnessTestSupport {

    private static final String IP = "203.0.113.7";

    @Test
    void shouldEmitRateLimitFindingOnceAndAtOnceWhenRequestsCrossTheLimit() {
        for (int i = 0; i < 100; i++) {
            harness.request(IP, "/api/login", 200, 5, null, at(Duration.ofMillis(100L * i)));
        }
        assertThat(harness.findings.isEmpty()).as("100 requests is the limit, not over it").isTrue();

        // When: the 101st request in the same minute
        harness.request(IP, "/api/login", 200, 5, null, at(20));

        // Then: the finding is there before the minute closes
        List<Envelope> findings = harness.findings.readValuesToList();
        assertThat(findings).hasSize(1);
        SecurityEvent finding = (SecurityEvent) findings.get(0).event();
        assertThat(finding.event()).isEqualTo("Rate Limit Exceeded");
        assertThat(finding.severity()).isEqualTo("high");
        assertThat(finding.data().get("ip").asText()).isEqualTo(IP);
        assertThat(finding.data().get("endpoint").asText()).isEqualTo("/api/login");
        assertThat(finding.data().get("count").asLong()).isEqualTo(101);
        List<AlertEvent> alerts = harness.alerts.readValuesToList();
        assertThat(alerts).extracting(AlertEvent::rule, AlertEvent::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("rate_limit_exceeded", AlertStatus.FIRING));

        // When: more requests in the same minute, from the same and another IP
        for (int i = 0; i < 50; i++) {
            harness.request(IP, "/api/login", 200, 5, null, at(30));
        }
        harness.request("198.51.100.9", "/api/login", 200, 5, null, at(31));
        assertThat(harness.findings.isEmpty()).as("once per ip, endpoint and minute").isTrue();

        // Then: the counts per minute when it closes
        harness.wallClockTo(at(70));
        assertThat(harness.ratelimit.readValuesToList()).containsExactlyInAnyOrder(
                new RateLimitCount(1, APP, IP, "/api/login", at(0), at(60), 151, 100, true),
                new RateLimitCount(1, APP, "198.51.100.9", "/api/login", at(0), at(60), 1, 100, false));
    }

    @Test
    void shouldEmitRateLimitFindingAgainWhenNextMinuteCrossesTheLimitToo() {
        for (int i = 0; i < 101; i++) {
            harness.request(IP, "/api/search", 200, 5, null, at(1));
        }
        for (int i = 0; i < 101; i++) {
            harness.request(IP, "/api/search", 200, 5, null, at(61));
        }

        assertThat(harness.findings.readValuesToList()).hasSize(2);
    }

    @Test
    void shouldReportInjectionWithClassAndFieldWhenRequestQueryAttacks() {
        harness.request(IP, "/search", 200, 5, "q=1%27%20OR%20%271%27%3D%271", at(1));
        harness.request(IP, "/search", 200, 5, "q=please+select+an+option", at(2));
        harness.request(IP, "/<script>alert(1)</script>", 404, 5, null, at(3));

        List<Envelope> findings = harness.findings.readValuesToList();
        assertThat(findings).extracting(f -> ((SecurityEvent) f.event()).event())
                .containsExactly("SQL Injection Attempt", "XSS Attempt");
        SecurityEvent sqli = (SecurityEvent) findings.get(0).event();
        assertThat(sqli.data().get("class").asText()).isEqualTo("sqli");
        assertThat(sqli.data().get("field").asText()).isEqualTo("query");
        assertThat(((SecurityEvent) findings.get(1).event()).data().get("field").asText()).isEqualTo("path");
        assertThat(harness.alerts.readValuesToList()).extracting(AlertEvent::rule)
                .containsExactly("sqli_attempt", "xss_attempt");
    }

    @Test
    void shouldAlertOnHighSeverityClientEventAndIgnoreOwnFindingsWhenSecurityEventsArrive() {
        var data = JsonNodeFactory.instance.objectNode().put("input", "<img src=x onerror=alert(1)>");
        harness.securityEvent("XSS Attempt", data, "high", at(1));
        harness.securityEvent("Password reset", JsonNodeFactory.instance.objectNode().put("note", "select an option"),
                "low", at(2));

        assertThat(harness.alerts.readValuesToList()).extracting(AlertEvent::rule, AlertEvent::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("security_event", "high"));
        List<Envelope> findings = harness.findings.readValuesToList();
        assertThat(findings).hasSize(1);
        // When: the processor reads its own finding back from telemetry.security
        harness.security.pipeInput(findings.get(0).key(), findings.get(0), at(3));

        assertThat(harness.alerts.isEmpty()).isTrue();
        assertThat(harness.findings.isEmpty()).isTrue();
    }

    @Test
    void shouldAlertOnNewFingerprintShouldAlertErrorsAndRegressionWhenErrorsArrive() {
        harness.error("TypeError", "x is undefined in cart 12", null, at(1));
        harness.error("TypeError", "x is undefined in cart 13", null, at(2));
        harness.error("AuthError", "login failed for user 7", null, at(3));
        harness.error("AuthError", "login failed for user 8", null, at(4));
        // The two new fingerprints are one rollup alert, sent at the first (the second waits for the update interval).
        List<AlertEvent> first = harness.alerts.readValuesToList();
        assertThat(first).extracting(AlertEvent::rule).containsExactly("new_error_fingerprint", "error_should_alert");
        assertThat(first.get(0).annotations()).containsEntry("distinct_fingerprints", "1");
        assertThat(first.get(1).severity()).isEqualTo("high");

        // When: the cart error comes back after more than 60 quiet windows
        harness.error("TypeError", "x is undefined in cart 99", null, at(Duration.ofMinutes(62)));

        List<AlertEvent> later = harness.alerts.readValuesToList();
        assertThat(later).extracting(AlertEvent::rule).containsExactly("error_regression");
        assertThat(first.get(0).annotations().get("top_offenders"))
                .isEqualTo(later.get(0).labels().get("fingerprint") + " (1)");
        assertThat(later.get(0).value()).as("quiet windows").isEqualTo(62.0);
    }

    @Test
    void shouldForgetFingerprintWhenQuietLongerThanRetentionAndTreatItsNextErrorAsNew() {
        harness.close();
        Detection defaults = Detection.defaults();
        harness = new TopologyHarness(stateDir, List.of(), TopologyHarness.T0, new Detection(defaults.rateLimitPerMinute(),
                defaults.slowPageLoadMs(), defaults.errorRules(), defaults.regressionWindows(), Duration.ofHours(2),
                defaults.cardinality(), defaults.securityChannels()));
        harness.error("TypeError", "x is undefined in cart 12", null, at(1));
        harness.error("RangeError", "index 4 out of range", null, at(Duration.ofMinutes(70)));
        assertThat(harness.alerts.readValuesToList()).extracting(AlertEvent::rule)
                .containsExactly("new_error_fingerprint", "new_error_fingerprint");

        // When: the wall clock passes 2 h after the cart error's window, but not after the range error's
        harness.wallClockTo(at(Duration.ofMinutes(125)));

        assertThat(harness.counters.fingerprintsForgotten).as("only the cart error was quiet for 2 h").isEqualTo(1);
        harness.error("TypeError", "x is undefined in cart 99", null, at(Duration.ofMinutes(126)));
        harness.error("RangeError", "index 9 out of range", null, at(Duration.ofMinutes(127)));
        // The cart error is new again (no longer a regression); the range error is neither new nor a regression.
        assertThat(harness.alerts.readValuesToList()).extracting(AlertEvent::rule).containsExactly("new_error_fingerprint");
    }

    @Test
    void shouldRouteRecordToDlqAndKeepProcessingWhenRecordIsPoison() {
        TopicCatalogue topics = TopicCatalogue.defaults();
        TestInputTopic<String, byte[]> raw = harness.driver.createInputTopic(topics.name(Topic.METRICS),
                Serdes.String().serializer(), Serdes.ByteArray().serializer());
        TestOutputTopic<byte[], byte[]> dlq = harness.driver.createOutputTopic(topics.name(Topic.PROCESSOR_DLQ),
                Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());

        raw.pipeInput("shop|checkout_ms", "{not json".getBytes(StandardCharsets.UTF_8), at(1));
        harness.metric("checkout_ms", 5, at(2));
        harness.wallClockTo(at(70));

        List<byte[]> dead = dlq.readValuesToList();
        assertThat(dead).hasSize(1);
        assertThat(new String(dead.get(0), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(harness.exactSummaries()).containsExactly(WindowSummaryTest.summary("checkout_ms", 0, 1, 5.0, 5.0, 5.0));
    }
}
