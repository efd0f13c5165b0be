package dev.telemetry.stack.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.stack.LocalStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `./telemetry demo` keeps its promise: on the demo's own configuration (windows shortened further,
 * the same story five times faster) its traffic through the real gateway, processor and sink on a
 * real broker produces a summary, a rate-limit finding, and the slow-checkout alert firing, then
 * resolved — and the narration says so.
 */
class DemoScenarioTest {

    @Test
    void shouldShowSummaryRateLimitFindingFiringAndResolvedWhenDemoTrafficPlays(@TempDir Path dir) throws Exception {
        // Given: the local stack on the demo's configuration, on free ports.
        DemoPace pace = DemoPace.accelerated();
        Map<String, Object> anyPort = Map.of("host", "127.0.0.1", "port", 0);
        LocalStack.Options options = DemoMain.options(dir, pace, freePort(), freePort(), Map.of("http", anyPort),
                Map.of("http", anyPort, "application-id", "demo-test-" + UUID.randomUUID(),
                        "windows", Map.of("size", DemoConfigs.duration(pace.window()), "grace", DemoConfigs.duration(pace.grace()),
                                "close-check-interval", "200ms"), "commit-interval", "200ms"),
                Map.of("http", anyPort, "group-id", "demo-test-sink-" + UUID.randomUUID()),
                // No checks: the prober stays off (its shipped demo check targets the fixed port 8080).
                Map.of("checks", List.of()),
                Map.of("http", anyPort));
        ByteArrayOutputStream narration = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(narration, true, StandardCharsets.UTF_8);

        try (LocalStack stack = LocalStack.start(options);
             DemoNarrator narrator = new DemoNarrator(stack.broker().bootstrapServers(), TopicCatalogue.defaults(), out).start();
             DemoTraffic traffic = new DemoTraffic(URI.create("http://127.0.0.1:" + stack.gateway().port()), "dev-ingest-key",
                     pace, out)) {
            // When: the demo's traffic plays.
            traffic.start();

            // Then: every milestone the README promises arrives, in the story's order.
            awaitMilestone(narrator.summarySeen(), "a summary", narration);
            awaitMilestone(narrator.rateLimitFindingSeen(), "the rate-limit finding", narration);
            awaitMilestone(narrator.firingSeen(), "the checkout_slow alert firing", narration);
            awaitMilestone(narrator.resolvedSeen(), "the checkout_slow alert resolved", narration);
            awaitMilestone(narrator.burnRatePageSeen(), "the checkout-latency SLO's burn-rate page", narration);
            assertThat(traffic.accepted()).isPositive();
        }
        String told = narration.toString(StandardCharsets.UTF_8);
        assertThat(told)
                .contains("series summarised on telemetry.summaries")
                .containsPattern("response p95 .*/api/checkout \\d+ ms")
                .contains("RATE LIMIT  " + DemoTraffic.ABUSIVE_IP + " sent more than 100 requests a minute to /api/search")
                .contains("ALERT FIRING    checkout_slow")
                .contains("ALERT RESOLVED  checkout_slow")
                .contains("SLO PAGE    checkout-latency of demo-app: error budget burning")
                .doesNotContain("demo traffic: a request failed");
        assertThat(told.indexOf("ALERT FIRING    checkout_slow")).isLessThan(told.indexOf("ALERT RESOLVED  checkout_slow"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitMilestone(CountDownLatch latch, String what, ByteArrayOutputStream narration)
            throws InterruptedException {
        // Generous: a loaded two-core machine; the accelerated story takes about 15 s.
        assertThat(latch.await(150, TimeUnit.SECONDS))
                .as("%s within 150 s; the narration so far:%n%s", what, narration.toString(StandardCharsets.UTF_8))
                .isTrue();
    }
}
