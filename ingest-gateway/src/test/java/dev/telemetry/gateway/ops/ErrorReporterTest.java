package dev.telemetry.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.gateway.testing.FakeSentry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorReporterTest {

    @Test
    void shouldReportNothingWhenSentryDsnIsNotSet() {
        ErrorReporter reporter = ErrorReporter.fromEnvironment(Map.of(), "test");
        reporter.report(new IllegalStateException("ignored"), "nowhere");
        reporter.close();
    }

    @Test
    void shouldSendTheExceptionToSentryWhenSentryDsnIsSet() throws Exception {
        try (FakeSentry sentry = new FakeSentry()) {
            List<String> envelopes = sentry.envelopes();
            ErrorReporter reporter = ErrorReporter.fromEnvironment(Map.of("SENTRY_DSN", sentry.dsn(42)), "test");
            reporter.report(new IllegalStateException("gateway bug for sentry"), "POST /api/metrics");
            reporter.close();

            await().atMost(Duration.ofSeconds(30)).until(() -> envelopes.stream().anyMatch(e -> e.contains("gateway bug for sentry")));
            String event = envelopes.stream().filter(e -> e.contains("gateway bug for sentry")).findFirst().orElseThrow();
            assertThat(event).startsWith("/api/42/envelope/").contains("IllegalStateException").contains("ingest-gateway@test");
        }
    }
}
