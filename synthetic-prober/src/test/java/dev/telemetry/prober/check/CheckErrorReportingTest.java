package dev.telemetry.prober.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.service.ops.ErrorReporter;
import dev.telemetry.service.testing.FakeSentry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The prober's own unexpected exceptions reach Sentry (here the local stand-in, found through a real
 * {@code SENTRY_DSN}): a check that throws instead of returning an outcome, and a result that cannot be handed on.
 */
class CheckErrorReportingTest {

    @Test
    void shouldReportTheExceptionWhenACheckThrowsOrItsResultCannotBeHandedOn() {
        try (FakeSentry sentry = new FakeSentry()) {
            // Given a scheduler reporting to the stand-in Sentry, a check that throws, and a sink that throws
            ErrorReporter errors = ErrorReporter.fromEnvironment(Map.of("SENTRY_DSN", sentry.dsn(5)), "synthetic-prober",
                    "test");
            List<CheckResult> handedOn = new CopyOnWriteArrayList<>();
            ResultSink failingSink = result -> {
                handedOn.add(result);
                throw new IllegalStateException("sink bug for sentry");
            };
            Check throwing = new Check() {
                @Override
                public String name() {
                    return "throwing";
                }

                @Override
                public Outcome run() {
                    throw new IllegalStateException("check bug for sentry");
                }
            };

            // When it runs once
            try (CheckScheduler scheduler = new CheckScheduler(
                    List.of(new CheckScheduler.Scheduled(throwing, Duration.ofMinutes(10), Duration.ofSeconds(5))),
                    failingSink, new SimpleMeterRegistry(), Clock.systemUTC(), errors).start()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> !handedOn.isEmpty());
            }
            errors.close();

            // Then the run is still a failed result, and both exceptions reached Sentry as the prober's, tagged with where
            assertThat(handedOn).singleElement().satisfies(r -> assertThat(r.error())
                    .isEqualTo("IllegalStateException: check bug for sentry"));
            List<String> envelopes = sentry.envelopes();
            await().atMost(Duration.ofSeconds(30)).until(() -> envelopes.stream().anyMatch(e -> e.contains("check bug for sentry"))
                    && envelopes.stream().anyMatch(e -> e.contains("sink bug for sentry")));
            assertThat(envelopes).filteredOn(e -> e.contains("check bug for sentry")).singleElement().asString()
                    .startsWith("/api/5/envelope/").contains("synthetic-prober@test").contains("check throwing");
            assertThat(envelopes).filteredOn(e -> e.contains("sink bug for sentry")).singleElement().asString()
                    .contains("result of check throwing");
        }
    }
}
