package dev.telemetry.stack.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.stack.LocalStack;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A silence created in the page mutes the next notification, in a real browser against the real services.
 *
 * <p>The console here needs a read token too: the browser goes through the login page first, and the write token
 * is entered later in the alerts page itself. The demo's rule {@code checkout_slow} (p95 of /api/checkout above 1 s) plus a control copy of it under another
 * name fire on slow checkout traffic sent to the real gateway. In the alerts page the test logs in with the stack's
 * write token, opens "Silence" on the checkout_slow alert (matchers prefilled from its labels), creates the silence,
 * and checks the sink's own API lists it. Then the traffic turns fast (both alerts resolve) and slow again (both
 * fire again): the control's new firing is delivered, the sink counts a silenced alert, and no firing notification
 * of checkout_slow was delivered after the silence. Deliveries are read from the sink's telemetry.notifications.
 */
class SilenceFromAlertBrowserTest {

    private static final String RULE = "checkout_slow";
    private static final String CONTROL = "checkout_slow_control";
    private static final Duration PATIENCE = Duration.ofSeconds(150);
    private static final JsonCodec CODEC = JsonCodec.standard();
    /** Reads need a token too here: the page is reached through the login page, then logged in again to write. */
    private static final String READ_TOKEN = "read-" + java.util.UUID.randomUUID();
    private static final Pattern SILENCED = Pattern.compile("alerts_skipped_total\\{[^}]*reason=\"silenced\"[^}]*} ([0-9.]+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The demo's rules as its processor.yaml has them, plus a copy of checkout_slow under another name. */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> demoRulesWithControl() throws Exception {
        try (InputStream in = SilenceFromAlertBrowserTest.class.getResourceAsStream("/demo/processor.yaml")) {
            Map<String, Object> demo = new ObjectMapper(new YAMLFactory()).readValue(in, Map.class);
            List<Map<String, Object>> rules = new ArrayList<>((List<Map<String, Object>>) demo.get("rules"));
            Map<String, Object> control = new LinkedHashMap<>(rules.stream().filter(r -> RULE.equals(r.get("name")))
                    .findFirst().orElseThrow(() -> new AssertionError("the demo has no " + RULE + " rule")));
            control.put("name", CONTROL);
            rules.add(control);
            return rules;
        }
    }

    @Test
    void shouldMuteTheNextNotificationOfAnAlertSilencedInThePage(@TempDir Path dir) throws Exception {
        AtomicBoolean slow = new AtomicBoolean(true);
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        List<JsonNode> deliveries = new CopyOnWriteArrayList<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        try (LocalStack stack = ConsoleStack.start(dir.resolve("stack"), Map.of("rules", demoRulesWithControl()), Map.of(),
                Map.of("auth", Map.of("read-token", READ_TOKEN)));
             ConsoleBrowser browser = ConsoleBrowser.start(ConsoleStack.consoleUrl(stack), dir.resolve("chromium"))) {
            Thread reader = notificationsReader(stack, deliveries, reading);
            String gateway = ConsoleStack.gatewayUrl(stack);
            Random random = new Random(7);
            traffic.scheduleWithFixedDelay(() -> checkoutRequests(gateway, slow.get(), random), 0, 300, TimeUnit.MILLISECONDS);

            // The page sends the browser to the login page first (reads need the read token), and back after it.
            browser.open("/alerts.html?status=firing,pending");
            browser.await("#token").sendKeys(READ_TOKEN);
            browser.driver().findElement(By.cssSelector("#login button[type=submit]")).click();
            new WebDriverWait(browser.driver(), PATIENCE).until(d -> d.getCurrentUrl().endsWith("/alerts.html?status=firing,pending")
                    || d.getCurrentUrl().endsWith("/alerts.html?status=firing%2Cpending"));

            // The alert fires and shows in the page without a reload.
            // Live updates rebuild the tables: an element found a moment ago may be replaced; look again.
            WebDriverWait wait = new WebDriverWait(browser.driver(), PATIENCE);
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(d -> !alertRows(browser, RULE, "firing").isEmpty());

            // The live stream works with the session cookie (EventSource cannot send a bearer token).
            wait.until(d -> browser.await("#live").getText().equals("live"));
            // Log in with the write token, in the page (the read session cannot write).
            browser.await("#login-token").sendKeys(stack.consoleWriteToken());
            browser.driver().findElement(By.cssSelector("#login-form button[type=submit]")).click();
            browser.await("#logged-in");

            // "Silence" on the alert: the matchers are its alertname, app and series label (not severity).
            wait.until(d -> {
                alertRows(browser, RULE, "firing").get(0).findElement(By.cssSelector("button.silence-button")).click();
                return true;
            });
            browser.await("#silence-editor");
            List<String> prefilled = new ArrayList<>();
            for (WebElement row : browser.all("#matchers .matcher-row")) {
                prefilled.add(row.findElement(By.cssSelector(".m-name")).getDomProperty("value") + " "
                        + row.findElement(By.cssSelector(".m-op")).getDomProperty("value") + " "
                        + row.findElement(By.cssSelector(".m-value")).getDomProperty("value"));
            }
            assertThat(prefilled).containsExactly("alertname = " + RULE, "app = demo-app", "endpoint = /api/checkout");
            assertThat(browser.await("#silence-duration").getDomProperty("value")).isEqualTo("2h");
            browser.await("#silence-created-by").sendKeys("browser-test");
            browser.await("#silence-comment").sendKeys("payment provider incident <b>not bold</b>");
            browser.await("#create-silence").click();

            // The page lists it (live), marks the alert silenced, and the sink's own API has it.
            wait.until(d -> browser.all("#silences tbody tr.silence-active").stream()
                    .anyMatch(r -> r.getText().contains("alertname=\"" + RULE + "\"") && r.getText().contains("browser-test")));
            Instant silenced = Instant.now();
            wait.until(d -> alertRows(browser, RULE, "firing").stream()
                    .anyMatch(r -> !r.findElements(By.cssSelector(".chip.silenced")).isEmpty()));
            JsonNode atSink = sinkSilences(stack);
            assertThat(atSink).hasSize(1);
            JsonNode silence = atSink.get(0);
            assertThat(silence.get("status").get("state").asText()).isEqualTo("active");
            assertThat(silence.get("createdBy").asText()).isEqualTo("browser-test");
            assertThat(silence.get("comment").asText()).isEqualTo("payment provider incident <b>not bold</b>");
            List<String> matchers = new ArrayList<>();
            silence.get("matchers").forEach(m -> matchers.add(m.get("name").asText() + "=" + m.get("value").asText()
                    + (m.get("isEqual").asBoolean() && !m.get("isRegex").asBoolean() ? "" : " (not plain equality)")));
            assertThat(matchers).containsExactly("alertname=" + RULE, "app=demo-app", "endpoint=/api/checkout");
            assertThat(Duration.between(Instant.parse(silence.get("startsAt").asText()), Instant.parse(silence.get("endsAt").asText())))
                    .isEqualTo(Duration.ofHours(2));
            browser.screenshot("alerts-silence");
            assertThat(browser.errors()).as("JavaScript errors").isEmpty();

            // Both alerts resolve, then fire again.
            slow.set(false);
            await().atMost(PATIENCE).until(() -> status(stack, RULE).equals("resolved") && status(stack, CONTROL).equals("resolved"));
            Instant resolved = Instant.now();
            slow.set(true);
            // The control's new firing is delivered, and the sink muted a firing alert because of the silence ...
            await().atMost(PATIENCE).until(() -> delivered(deliveries, CONTROL, resolved) > 0 && silencedCount(stack) >= 1);
            // ... which was checkout_slow's: no firing notification of it went out after the silence.
            await().atMost(PATIENCE).until(() -> status(stack, RULE).equals("firing"));
            assertThat(delivered(deliveries, RULE, silenced)).as("firing notifications of the silenced alert").isZero();
            assertThat(delivered(deliveries, RULE, Instant.EPOCH)).as("it was notified before the silence").isPositive();
            reading.set(false);
            reader.join(10_000);
        } finally {
            reading.set(false);
            traffic.shutdownNow();
        }
    }

    /** The alert rows of the page for one alert name and status (text of the row's own cells). */
    private static List<WebElement> alertRows(ConsoleBrowser browser, String alertname, String status) {
        return browser.all("#alerts tbody tr.alert-" + status).stream()
                .filter(r -> r.findElement(By.cssSelector(".alertname")).getText().equals(alertname))
                .toList();
    }

    /** Two checkout requests from the app server's log: slow (2.5 to 4.5 s) or fast (150 to 400 ms). */
    private void checkoutRequests(String gateway, boolean slow, Random random) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            long duration = slow ? 2500 + random.nextInt(2000) : 150 + random.nextInt(250);
            lines.add(String.format(Locale.ROOT, "{\"ip\":\"198.51.100.%d\",\"method\":\"POST\",\"endpoint\":\"/api/checkout\","
                    + "\"status\":200,\"durationMs\":%d,\"userAgent\":\"Mozilla/5.0\",\"userId\":null,\"query\":\"\"}",
                    10 + random.nextInt(40), duration));
        }
        try {
            http.send(HttpRequest.newBuilder(URI.create(gateway + "/api/requests")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("X-Telemetry-Key", "dev-ingest-key")
                    .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", lines) + "]")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // The next tick tries again; a missed batch only thins one window.
        }
    }

    private JsonNode sinkSilences(LocalStack stack) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.sink().httpPort()
                + "/api/silences")).header("Authorization", "Bearer " + stack.sinkAdminToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    /** The alert's latest status as the console's API has it ("" when it has none yet). */
    private String status(LocalStack stack, String alertname) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ConsoleStack.consoleUrl(stack)
                + "/api/alerts?alertname=" + alertname)).header("Authorization", "Bearer " + READ_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode alerts = CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8)).get("alerts");
        return alerts.isEmpty() ? "" : alerts.get(0).get("status").asText();
    }

    /** How many alerts the sink did not notify because a silence matched them. */
    private double silencedCount(LocalStack stack) throws Exception {
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.sink().httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = SILENCED.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** Delivered firing notifications of the rule, attempted after {@code after}. */
    private static long delivered(List<JsonNode> deliveries, String rule, Instant after) {
        return deliveries.stream().filter(d -> rule.equals(d.path("rule").asText()) && "firing".equals(d.path("status").asText())
                && "delivered".equals(d.path("outcome").asText()) && Instant.parse(d.path("at").asText()).isAfter(after)).count();
    }

    /** Reads the sink's delivery log (telemetry.notifications) from the start into {@code into}, until told to stop. */
    private static Thread notificationsReader(LocalStack stack, List<JsonNode> into, AtomicBoolean reading) {
        String topic = TopicCatalogue.defaults().name(Topic.NOTIFICATIONS);
        Thread thread = new Thread(() -> {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker().bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                while (reading.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                        into.add(CODEC.readTree(record.value()));
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException("reading " + topic + " failed", e);
            }
        }, "notifications-reader");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
