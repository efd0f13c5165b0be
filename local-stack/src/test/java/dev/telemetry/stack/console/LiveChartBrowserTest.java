package dev.telemetry.stack.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Traffic in, the console follows without a reload: the metrics page opened before any traffic shows the first
 * window of the slow checkout's response time and then a newer one, and the overview opened before the traffic
 * shows the demo's checkout_slow alert firing, events accepted and a page over its LCP budget. Each page carries
 * a marker set by the test after it loaded: still there at the end means the page was never reloaded.
 */
class LiveChartBrowserTest {

    private static final Duration LONG = Duration.ofSeconds(150);
    private static final String CHECKOUT = "/api/checkout";

    @Test
    void shouldShowNewWindowsAndAFiringAlertWithoutReloading(@TempDir Path dir) throws Exception {
        try (LocalStack stack = ConsoleStack.start(dir.resolve("stack"), Map.of(), Map.of(), Map.of());
             ConsoleBrowser browser = ConsoleBrowser.start(ConsoleStack.consoleUrl(stack), dir.resolve("chromium"))) {
            // The metrics page for the slow endpoint, before any traffic: nothing to chart yet.
            browser.open("/metrics.html?metric=response_time&app=demo-app&label.endpoint=" + CHECKOUT);
            settled(browser);
            assertThat(attribute(browser, "metric-charts", "data-windows")).isEqualTo("0");
            markNotReloaded(browser, "metrics");
            String metricsTab = browser.driver().getWindowHandle();

            // The overview in a second tab, also before any traffic.
            browser.driver().switchTo().newWindow(WindowType.TAB);
            browser.open("/");
            settled(browser);
            assertThat(browser.await("#firing").getText()).contains("No alert is firing.");
            markNotReloaded(browser, "overview");
            String overviewTab = browser.driver().getWindowHandle();

            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
            AtomicInteger sent = new AtomicInteger();
            AtomicReference<String> failure = new AtomicReference<>();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String gateway = ConsoleStack.gatewayUrl(stack);
            traffic.scheduleWithFixedDelay(() -> {
                try {
                    int n = sent.getAndIncrement();
                    post(http, gateway, "/api/requests", requests(n));
                    post(http, gateway, "/api/analytics/vitals", vitals(n));
                } catch (Exception e) {
                    failure.compareAndSet(null, e.toString());
                }
            }, 0, 300, TimeUnit.MILLISECONDS);
            try {
                // The overview: the demo's rule fires on the first slow window; the events were counted; the
                // checkout page is over its LCP budget; the services answer.
                browser.await("#firing li.firing-alert[data-rule='checkout_slow']", LONG);
                assertThat(browser.await("#firing").getText()).contains("checkout_slow").contains("demo-app");
                assertThat(browser.await("#firing-count").getText()).isNotEqualTo("0");
                new WebDriverWait(browser.driver(), LONG).until(d ->
                        !d.findElement(By.id("accepted-chart")).getDomAttribute("data-last-total").isEmpty()
                                && Long.parseLong(d.findElement(By.id("accepted-chart")).getDomAttribute("data-last-total")) > 0);
                new WebDriverWait(browser.driver(), LONG).until(d -> !d.findElements(By.cssSelector("#budgets td.bad")).isEmpty());
                browser.await("#services tr[data-service='gateway'][data-status='healthy']", LONG);
                browser.await("#services tr[data-service='processor'][data-status='healthy']", LONG);
                browser.await("#services tr[data-service='sink'][data-status='healthy']", LONG);
                browser.await("#services tr[data-service='prober'][data-status='not configured']", LONG);
                assertThat(browser.all("#accepted-chart canvas")).as("the accepted-events chart is drawn").isNotEmpty();
                assertNotReloaded(browser, "overview");
                browser.screenshot("overview-live");
                assertThat(browser.errors()).as("JavaScript errors on the overview").isEmpty();

                // The metrics page: the first window appears, then a newer one, without a reload.
                browser.driver().switchTo().window(metricsTab);
                new WebDriverWait(browser.driver(), LONG).until(d -> windows(browser) >= 1);
                String first = attribute(browser, "metric-charts", "data-last-window");
                new WebDriverWait(browser.driver(), LONG).until(d -> {
                    String last = d.findElement(By.id("metric-charts")).getDomAttribute("data-last-window");
                    return !last.isEmpty() && Instant.parse(last).isAfter(Instant.parse(first));
                });
                assertThat(windows(browser)).isGreaterThanOrEqualTo(2);
                assertThat(browser.all("#metric-charts .chart canvas")).as("count and percentile charts").hasSizeGreaterThanOrEqualTo(2);
                assertThat(browser.await("#summary").getText()).contains("response_time");
                assertNotReloaded(browser, "metrics");
                // A window's summary on click, as text.
                // (the table is redrawn on every new window: a row may go stale between finding and clicking it)
                new WebDriverWait(browser.driver(), Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                        .until(d -> {
                            d.findElement(By.cssSelector("#windows tbody tr")).click();
                            return true;
                        });
                // (the page asks the API for that series' full windows: wait for the answer)
                browser.awaitText("#raw", "\"metric\": \"response_time\"", Duration.ofSeconds(60));
                assertThat(browser.await("#raw").getText()).contains("\"metric\": \"response_time\"").contains("\"p95\"")
                        .contains("\"endpoint\": \"/api/checkout\"");
                browser.screenshot("metrics-live");
                assertThat(browser.errors()).as("JavaScript errors on the metrics page").isEmpty();

                // The web vitals of the checkout page against the LCP budget.
                browser.driver().switchTo().window(overviewTab);
                browser.open("/vitals.html?app=demo-app&page=/checkout");
                settled(browser);
                new WebDriverWait(browser.driver(), LONG).until(d ->
                        Integer.parseInt(d.findElement(By.id("vital-charts")).getDomAttribute("data-windows")) >= 1);
                assertThat(browser.all("#vital-charts .chart canvas")).hasSizeGreaterThanOrEqualTo(5);
                assertThat(browser.await("#ratings tr[data-vital='LCP']").getText()).contains("poor");
                browser.screenshot("vitals-live");
                assertThat(browser.errors()).as("JavaScript errors on the web vitals page").isEmpty();
                assertThat(failure.get()).as("traffic").isNull();
            } finally {
                traffic.shutdownNow();
            }
        }
    }

    private static void settled(ConsoleBrowser browser) {
        new WebDriverWait(browser.driver(), Duration.ofSeconds(60)).until(d -> !browser.await("#summary").getText().startsWith("Loading"));
    }

    private static int windows(ConsoleBrowser browser) {
        return Integer.parseInt(attribute(browser, "metric-charts", "data-windows"));
    }

    /** An attribute of an element that may be empty (so not "visible" to Selenium) before its chart is drawn. */
    private static String attribute(ConsoleBrowser browser, String id, String name) {
        String value = browser.driver().findElement(By.id(id)).getDomAttribute(name);
        return value == null ? "" : value;
    }

    private static void markNotReloaded(ConsoleBrowser browser, String page) {
        browser.driver().executeScript("window.__loadedOnce = arguments[0];", page);
    }

    private static void assertNotReloaded(ConsoleBrowser browser, String page) {
        assertThat(browser.driver().executeScript("return window.__loadedOnce;")).as("the page was not reloaded").isEqualTo(page);
    }

    /** The app server's request log: the checkout slow (2.5 to 4 s, over the demo rule's 1 s p95), the cart fast. */
    private static String requests(int n) {
        return "[" + request("198.51.100." + (n % 4 + 1), "POST", CHECKOUT, 2500 + (n * 37) % 1500) + ","
                + request("198.51.100." + (n % 4 + 1), "POST", "/api/cart", 20 + n % 60) + "]";
    }

    private static String request(String ip, String method, String endpoint, long durationMs) {
        return String.format(Locale.ROOT, "{\"ip\":\"%s\",\"method\":\"%s\",\"endpoint\":\"%s\",\"status\":200,\"durationMs\":%d,"
                + "\"userAgent\":\"Mozilla/5.0\",\"userId\":null,\"query\":\"\"}", ip, method, endpoint, durationMs);
    }

    /** One page view of the checkout page: LCP poor (over its 2.5 s budget), the others good. */
    private static String vitals(int n) {
        return "[" + vital("LCP", 4200 + n % 300, "poor", n) + "," + vital("FCP", 900, "good", n) + ","
                + vital("INP", 120, "good", n) + "," + vital("CLS", 0.02, "good", n) + "," + vital("TTFB", 300, "good", n) + "]";
    }

    private static String vital(String name, double value, String rating, int n) {
        return String.format(Locale.ROOT, "{\"name\":\"%s\",\"value\":%s,\"id\":\"v4-%d-%s\",\"navigationType\":\"navigate\","
                + "\"rating\":\"%s\",\"page\":\"/checkout\"}", name, value, n, name, rating);
    }

    private static void post(HttpClient http, String gateway, String route, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway + route))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Telemetry-Key", "dev-ingest-key")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        // 503: Kafka did not take the batch in time (a loaded box); the gateway says retry later, the next tick does.
        if (response.statusCode() != 202 && response.statusCode() != 503) {
            throw new IllegalStateException("POST " + route + " answered " + response.statusCode() + ": " + response.body());
        }
    }
}
