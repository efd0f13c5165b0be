package dev.telemetry.stack.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.stack.LocalStack;
import dev.telemetry.stack.LocalStackMain;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        String consoleUrl;
        PrintStream out = new PrintStream(narration, true, StandardCharsets.UTF_8);

        try (LocalStack stack = LocalStack.start(options);
             DemoNarrator narrator = new DemoNarrator(stack.broker().bootstrapServers(), TopicCatalogue.defaults(), out,
                     LocalStackMain.consoleUrl(stack)).start();
             DemoTraffic traffic = new DemoTraffic(URI.create("http://127.0.0.1:" + stack.gateway().port()), "dev-ingest-key",
                     pace, out)) {
            // The demo tells where the console is; opened as a browser opens it, it answers with its start page.
            String told = DemoMain.started(stack, LocalStackMain.writeTokenGenerated(options));
            Matcher started = Pattern.compile("\n  (http://localhost:\\d+/)\n").matcher(told);
            assertThat(started.find()).as(told).isTrue();
            consoleUrl = started.group(1);
            assertThat(consoleUrl).isEqualTo("http://localhost:" + stack.console().port() + "/");
            assertThat(open(consoleUrl)).contains("telemetry console</title>");
            // ... and the write token it shows logs in a session that may silence.
            Matcher token = Pattern.compile("this run's write token (\\S+)\n").matcher(told);
            assertThat(token.find()).as(told).isTrue();
            HttpResponse<String> login = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(consoleUrl + "api/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token.group(1) + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(login.body()).contains("\"canWrite\":true");

            // When: the demo's traffic plays.
            traffic.start();

            // Then: every milestone the README promises arrives, in the story's order.
            awaitMilestone(narrator.summarySeen(), "a summary", narration);
            awaitMilestone(narrator.rateLimitFindingSeen(), "the rate-limit finding", narration);
            awaitMilestone(narrator.firingSeen(), "the checkout_slow alert firing", narration);
            awaitMilestone(narrator.resolvedSeen(), "the checkout_slow alert resolved", narration);
            awaitMilestone(narrator.burnRatePageSeen(), "the checkout-latency SLO's burn-rate page", narration);
            assertThat(traffic.accepted()).isPositive();
            // The auditor, reading along, found the demo's windows accounted for, every record of them.
            await().atMost(Duration.ofSeconds(60)).until(() -> (Long) stack.auditor().details().get("windows_matched") > 0);
            assertThat(stack.auditor().details()).as("the auditor").containsEntry("windows_mismatched", 0L);
            // The epilogue (told right after the resolution) points at the console again.
            String url = consoleUrl;
            await().atMost(Duration.ofSeconds(30)).until(() -> narration.toString(StandardCharsets.UTF_8)
                    .contains("  " + url + " ".repeat(41 - url.length()) + "the console: every view of it, updated live"));
            assertThat(open(consoleUrl)).contains("telemetry console</title>");
        }
        String narrated = narration.toString(StandardCharsets.UTF_8);
        assertThat(narrated)
                .contains("series summarised on telemetry.summaries")
                .containsPattern("response p95 .*/api/checkout \\d+ ms")
                .contains("RATE LIMIT  " + DemoTraffic.ABUSIVE_IP + " sent more than 100 requests a minute to /api/search")
                .contains("ALERT FIRING    checkout_slow")
                .contains("ALERT RESOLVED  checkout_slow")
                .contains("SLO PAGE    checkout-latency of demo-app: error budget burning")
                .doesNotContain("demo traffic: a request failed");
        assertThat(narrated.indexOf("ALERT FIRING    checkout_slow")).isLessThan(narrated.indexOf("ALERT RESOLVED  checkout_slow"));
    }

    private static String open(String url) throws Exception {
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).as(url).isEqualTo(200);
        return page.body();
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
