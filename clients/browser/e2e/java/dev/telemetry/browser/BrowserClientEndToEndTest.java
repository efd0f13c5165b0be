package dev.telemetry.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.ActionEvent;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.NetworkErrorEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.gateway.GatewayServer;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser client as a user meets it: real headless Chromium loads a page that uses
 * {@code src/telemetry.js} with the real {@code web-vitals} library, the user saves (an action and
 * an interaction for INP), hits an error and a failing request, then navigates away so the client
 * flushes with {@code navigator.sendBeacon}; a real gateway writes to a real broker and every event
 * is read back from its raw topic.
 */
@ExtendWith(LocalKafkaExtension.class)
class BrowserClientEndToEndTest {

    private static final String KEY = "journal-browser-key";
    private static final String APP = "journal-web";
    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    private PageServer pages;
    private GatewayServer gateway;
    private ChromeDriver chrome;

    @AfterEach
    void stopAll() {
        if (chrome != null) chrome.quit();
        if (gateway != null) gateway.close();
        if (pages != null) pages.close();
    }

    @Test
    void shouldDeliverVitalsActionAndErrorsToTheirTopicsWhenAUserInteractsAndLeaves(LocalKafka kafka, @TempDir Path dir) throws Exception {
        // Given: the page on one localhost port, the gateway on another with a key that allows the page's origin.
        // The gateway waits longer for Kafka than its defaults: a beacon cannot retry a 503, and a loaded
        // CI machine must not turn into a lost page-hide batch (the client's retries are unit-tested).
        pages = PageServer.start(clientDir());
        TopicCatalogue topics = TopicCatalogue.withOverrides(Map.of(
                "vitals", kafka.uniqueTopicName("browser-vitals"),
                "actions", kafka.uniqueTopicName("browser-actions"),
                "errors", kafka.uniqueTopicName("browser-errors")));
        Set<String> rawTopics = Set.of(topics.name(Topic.VITALS), topics.name(Topic.ACTIONS), topics.name(Topic.ERRORS));
        rawTopics.forEach(topic -> kafka.createTopic(topic, 1));
        Path gatewayYaml = Files.writeString(dir.resolve("gateway.yaml"), """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s", max-block: 10s, request-timeout: 10s, delivery-timeout: 20s}
                keys: [{key: %s, app: %s, origins: ["%s"]}]
                topics: {vitals: %s, actions: %s, errors: %s}
                """.formatted(kafka.bootstrapServers(), KEY, APP, pages.origin(),
                topics.name(Topic.VITALS), topics.name(Topic.ACTIONS), topics.name(Topic.ERRORS)));
        gateway = GatewayServer.start(GatewayConfig.load(new String[] {"--config", gatewayYaml.toString()}, Map.of()));
        chrome = HeadlessChromium.start(Files.createDirectory(dir.resolve("chromium-profile")));
        WebDriverWait wait = new WebDriverWait(chrome, Duration.ofSeconds(30));

        // When: the user opens the page, saves, hits an error and a failing sync, then leaves.
        chrome.get(pages.origin() + "/?endpoint=" + encode("http://127.0.0.1:" + gateway.port()) + "&key=" + encode(KEY));
        wait.until(ExpectedConditions.textToBe(By.id("status"), "ready"));
        chrome.findElement(By.id("save")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "saved"));
        chrome.findElement(By.id("crash")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "crashed"));
        chrome.findElement(By.id("sync")).click();
        wait.until(ExpectedConditions.textToBe(By.id("status"), "sync failed: 503"));
        chrome.get(pages.origin() + "/next.html");
        wait.until(ExpectedConditions.textToBe(By.id("status"), "next"));

        // Then: the page hide was flushed by beacon, with the key in the query string, carrying the
        // vitals web-vitals only reports when the page is hidden.
        String console = browserConsole();
        String traffic = String.valueOf(chrome.executeScript("return sessionStorage.getItem('traffic')"));
        String diagnostics = "client traffic: " + traffic + System.lineSeparator() + "console:" + System.lineSeparator() + console;
        List<JsonNode> beacons = JsonCodec.standard().readTree(traffic.getBytes(StandardCharsets.UTF_8)).findParents("queued");
        assertThat(beacons).as(diagnostics).isNotEmpty().allSatisfy(beacon -> {
            assertThat(beacon.get("queued").asBoolean()).isTrue();
            assertThat(beacon.get("keyInQuery").asBoolean()).isTrue();
        });
        assertThat(beacons.stream().flatMap(b -> texts(b.get("items"))).toList()).as(diagnostics).contains("CLS", "INP");

        // Then: every event arrived on its raw topic, attributed to the key's app.
        try (RawTopics reader = new RawTopics(kafka.bootstrapServers(), rawTopics)) {
            await().atMost(ARRIVAL).pollInSameThread().pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                List<RawTopics.Received> all = reader.poll();
                assertThat(events(all, topics.name(Topic.VITALS), VitalEvent.class)).extracting(VitalEvent::name).as("vitals; %s", diagnostics)
                        .contains("TTFB", "FCP", "LCP", "CLS", "INP", "feature-editor");
                assertThat(events(all, topics.name(Topic.ACTIONS), ActionEvent.class)).as("actions; %s", diagnostics).isNotEmpty();
                assertThat(events(all, topics.name(Topic.ERRORS), TelemetryEvent.class)).as("errors; %s", diagnostics).hasSizeGreaterThanOrEqualTo(4);
            });
            List<RawTopics.Received> all = reader.poll();

            assertThat(all).extracting(r -> r.envelope().app()).containsOnly(APP);
            assertThat(all).extracting(r -> r.envelope().userAgent()).allMatch(ua -> ua.contains("Chrome"));

            Map<String, VitalEvent> vitals = vitals(all, topics);
            assertThat(vitals.keySet()).containsExactlyInAnyOrder("TTFB", "FCP", "LCP", "CLS", "INP", "feature-editor");
            for (String name : List.of("TTFB", "FCP", "LCP", "CLS", "INP")) {
                VitalEvent vital = vitals.get(name);
                assertThat(vital.id()).as(name).startsWith("v6-");
                assertThat(vital.navigationType()).as(name).isEqualTo("navigate");
                assertThat(vital.rating()).as(name).isIn("good", "needs-improvement", "poor");
                assertThat(vital.url()).as(name).isEqualTo(pages.origin() + "/");
                assertThat(vital.page()).as(name).isEqualTo("/");
                // The attribution build: every core vital says what caused it (checkout.html's test checks the targets).
                assertThat(vital.attribution()).as("%s attribution", name).isNotNull();
                assertThat(vital.formFactor()).as("%s formFactor, derived by the gateway for a desktop Chromium", name).isEqualTo("desktop");
            }
            assertThat(vitals.get("INP").attribution().interactionTarget()).isEqualTo("#save");
            assertThat(vitals.get("feature-editor").attribution()).as("a feature timing has no attribution").isNull();
            assertThat(vitals.get("FCP").value()).isPositive();
            assertThat(vitals.get("LCP").value()).isGreaterThanOrEqualTo(vitals.get("FCP").value());
            assertThat(vitals.get("CLS").value()).as("the late banner shifted the content").isPositive();
            assertThat(vitals.get("INP").value()).as("the save handler runs for 150 ms").isGreaterThanOrEqualTo(150);
            assertThat(vitals.get("feature-editor").value()).isEqualTo(87.0);

            List<ActionEvent> actions = events(all, topics.name(Topic.ACTIONS), ActionEvent.class);
            assertThat(actions).as("one click, one action; %s", diagnostics).hasSize(1);
            ActionEvent save = actions.get(0);
            assertThat(save.action()).isEqualTo("save-entry");
            assertThat(save.duration()).isGreaterThanOrEqualTo(150);
            assertThat(save.metadata().get("words").asInt()).isEqualTo(120);
            assertThat(save.metadata().get("screen").asText()).isEqualTo("editor");

            List<ErrorEvent> errors = events(all, topics.name(Topic.ERRORS), ErrorEvent.class);
            assertThat(errors).as("two errors and the gateway's Server Error, each once; %s", diagnostics).hasSize(3);
            ErrorEvent reported = errors.stream().filter(e -> "SyntaxError".equals(e.type())).findFirst().orElseThrow();
            assertThat(reported.context().get("draftId").asInt()).isEqualTo(42);
            assertThat(reported.tags()).containsEntry("error_boundary", "true");
            assertThat(reported.stack()).contains("SyntaxError");
            ErrorEvent uncaught = errors.stream().filter(e -> "TypeError".equals(e.type())).findFirst().orElseThrow();
            assertThat(uncaught.message()).isEqualTo("Cannot save: draft is undefined");
            assertThat(uncaught.context().get("source").asText()).isEqualTo("window.onerror");
            assertThat(uncaught.url()).isEqualTo(pages.origin() + "/");
            // The gateway records the 503 as the seed's Sentry message too.
            assertThat(errors).extracting(ErrorEvent::message).contains("Server Error: 503 on POST /api/sync");

            List<NetworkErrorEvent> networkErrors = events(all, topics.name(Topic.ERRORS), NetworkErrorEvent.class);
            assertThat(networkErrors).as("sent once, though in flight at unload; %s", diagnostics).hasSize(1);
            NetworkErrorEvent failedSync = networkErrors.get(0);
            assertThat(failedSync.url()).isEqualTo("/api/sync");
            assertThat(failedSync.status()).isEqualTo(503);
            assertThat(failedSync.method()).isEqualTo("POST");
            assertThat(failedSync.duration()).isNotNegative();
        }
    }

    /** Vitals by name; web-vitals reports each once per page view unless {@code reportAllChanges}. */
    private static Map<String, VitalEvent> vitals(List<RawTopics.Received> all, TopicCatalogue topics) {
        return events(all, topics.name(Topic.VITALS), VitalEvent.class).stream()
                .collect(Collectors.toMap(VitalEvent::name, v -> v, (first, again) -> {
                    throw new AssertionError("vital " + first.name() + " reported twice: " + first + " and " + again);
                }));
    }

    private static <T> List<T> events(List<RawTopics.Received> all, String topic, Class<T> type) {
        return all.stream().filter(r -> r.topic().equals(topic)).map(RawTopics.Received::envelope)
                .map(Envelope::event).filter(type::isInstance).map(type::cast).toList();
    }

    private static Stream<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText);
    }

    private String browserConsole() {
        return chrome.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::toString).collect(Collectors.joining(System.lineSeparator()));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The browser client's directory (set by the build; the module directory when run from it). */
    private static Path clientDir() {
        return Path.of(System.getProperty("browser.client.dir", System.getProperty("user.dir"))).toAbsolutePath();
    }
}
