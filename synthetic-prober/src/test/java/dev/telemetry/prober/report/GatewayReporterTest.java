package dev.telemetry.prober.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.prober.check.CheckResult;
import dev.telemetry.prober.testing.LocalServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Posting results: a gateway that cannot be reached is counted and shown, never thrown at the checks. */
class GatewayReporterTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void shouldCountAndRememberTheFailureWhenTheGatewayIsUnreachable() {
        URI endpoint = URI.create("http://127.0.0.1:" + LocalServer.closedPort() + "/api/synthetic");
        try (GatewayReporter reporter = new GatewayReporter(endpoint, "k", Duration.ofSeconds(2), registry)) {

            reporter.accept(new CheckResult("home", true, null, 12.0, Instant.parse("2026-11-27T10:00:00Z"), 0));

            await().atMost(Duration.ofSeconds(30)).until(() -> reporter.lastPost() != null);
            assertThat(reporter.lastPost().accepted()).isFalse();
            assertThat(reporter.lastPost().error()).isEqualTo("gateway unreachable at " + endpoint + ": connection refused");
            assertThat(registry.get("synthetic.reports").tag("outcome", "failed").counter().count()).isEqualTo(1.0);
            assertThat(registry.get("synthetic.reports").tag("outcome", "sent").counter().count()).isZero();
        }
    }

    @Test
    void shouldWriteTheSeedShapeWithTheFailureCountWhenAResultIsPosted() {
        SyntheticPayload payload = SyntheticPayload.of(new CheckResult("home", false, "expected status 200, got 500",
                12.345, Instant.parse("2026-11-27T10:00:00.120Z"), 4));

        assertThat(payload).isEqualTo(new SyntheticPayload("home", false, "expected status 200, got 500", 12.3,
                "2026-11-27T10:00:00.120Z", 4));
    }
}
