package dev.telemetry.service.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.service.testing.FakeSentry;
import io.sentry.Sentry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorReporterTest {

    @Test
    void shouldReportNothingWhenSentryDsnIsNotSet() {
        // Given environments that name no DSN, or a blank one
        for (Map<String, String> env : List.of(Map.of("SENTRY_ENVIRONMENT", "test"), Map.of("SENTRY_DSN", " "))) {
            // When an error is reported
            ErrorReporter reporter = ErrorReporter.fromEnvironment(env, "ingest-gateway", "test");
            reporter.report(new IllegalStateException("ignored"), "nowhere");

            // Then the SDK was never started, so nothing can have been sent anywhere
            assertThat(Sentry.isEnabled()).as("Sentry started for %s", env).isFalse();
            reporter.close();
        }
    }

    @Test
    void shouldSendTheExceptionToSentryWhenSentryDsnIsSet() throws Exception {
        try (FakeSentry sentry = new FakeSentry()) {
            List<String> envelopes = sentry.envelopes();
            ErrorReporter reporter = ErrorReporter.fromEnvironment(Map.of("SENTRY_DSN", sentry.dsn(42)), "ingest-gateway", "test");
            reporter.report(new IllegalStateException("gateway bug for sentry"), "POST /api/metrics");
            reporter.close();

            await().atMost(Duration.ofSeconds(30)).until(() -> envelopes.stream().anyMatch(e -> e.contains("gateway bug for sentry")));
            String event = envelopes.stream().filter(e -> e.contains("gateway bug for sentry")).findFirst().orElseThrow();
            assertThat(event).startsWith("/api/42/envelope/").contains("IllegalStateException").contains("ingest-gateway@test");
        }
    }
}
