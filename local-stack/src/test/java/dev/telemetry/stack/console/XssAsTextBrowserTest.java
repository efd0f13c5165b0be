package dev.telemetry.stack.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.stack.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Client text is shown as text, in a real browser against the real pipeline: an error whose message (and top stack
 * frame) is markup, a request whose query is a script, and a failed synthetic check whose error is markup go in
 * through the gateway; the errors view shows the message and frame literally, the security view the processor's XSS
 * finding with the offending input literally, the synthetic view the check's error literally; no element is created
 * from them, nothing runs ({@code window.__xss} stays undefined) and no JavaScript error is logged. The errors view
 * also follows the fingerprint live: "new" (the processor's rollup alert) and its count once its window closes,
 * without a reload.
 */
class XssAsTextBrowserTest {

    private static final String KEY = "dev-ingest-key";
    private static final String MESSAGE = "<img src=x onerror=\"window.__xss=1\">";
    private static final String FRAME = "<img src=y onerror=\"window.__xss=3\"> (https://shop.example/app.js:1:1)";
    private static final String INPUT = "<script>window.__xss=2</script>";
    private static final String CHECK_ERROR = "<b onmouseover=\"window.__xss=4\">502</b> on /cart";
    private static final String TYPE = "XssProbeError";
    private static final String IP = "203.0.113.77";
    private static final Duration SLOW = Duration.ofSeconds(150);

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldShowMarkupFromClientsAsTextAndRunNothing(@TempDir Path dir) throws Exception {
        try (LocalStack stack = ConsoleStack.start(dir.resolve("stack"), Map.of(), Map.of(), Map.of());
             ConsoleBrowser browser = ConsoleBrowser.start(ConsoleStack.consoleUrl(stack), dir.resolve("chromium"))) {
            String gateway = ConsoleStack.gatewayUrl(stack);
            post(gateway + "/api/errors", "{\"message\":" + json(MESSAGE) + ",\"type\":\"" + TYPE + "\",\"stack\":"
                    + json("Error: probe\n    at " + FRAME + "\n    at main (app.js:2:2)") + ",\"level\":\"error\"}");
            post(gateway + "/api/requests", "{\"ip\":\"" + IP + "\",\"method\":\"GET\",\"endpoint\":\"/search\",\"status\":200,"
                    + "\"durationMs\":12,\"query\":" + json(INPUT) + "}");
            post(gateway + "/api/synthetic", "{\"check\":\"xss-probe\",\"success\":false,\"error\":" + json(CHECK_ERROR)
                    + ",\"durationMs\":120}");

            browser.open("/errors.html?type=" + TYPE);
            browser.await("#errors tbody code.message", SLOW);
            assertThat(text(browser, "#errors tbody code.message")).isEqualTo(MESSAGE);
            assertThat(text(browser, "#errors tbody code.frame")).isEqualTo(FRAME);
            // Live, without a reload: the processor's new-fingerprint rollup, then the count of its closed window.
            new WebDriverWait(browser.driver(), SLOW).until(d -> "new".equals(text(browser, "#errors tbody td.badge")));
            new WebDriverWait(browser.driver(), SLOW).until(d -> "1".equals(text(browser, "#errors tbody td.num")));
            assertNothingRan(browser, "/errors.html");
            browser.screenshot("errors-xss");

            browser.open("/security.html?class=xss&ip=" + IP);
            browser.await("#findings tbody code.input", SLOW);
            assertThat(text(browser, "#findings tbody code.input")).isEqualTo(INPUT);
            assertThat(text(browser, "#top-ips tbody a")).isEqualTo(IP);
            assertNothingRan(browser, "/security.html");
            browser.screenshot("security-xss");

            browser.open("/synthetic.html?check=xss-probe");
            browser.await("#checks tbody code.error-text", SLOW);
            assertThat(text(browser, "#checks tbody code.error-text")).isEqualTo(CHECK_ERROR);
            assertNothingRan(browser, "/synthetic.html");
            browser.screenshot("synthetic-xss");
        }
    }

    private static void assertNothingRan(ConsoleBrowser browser, String page) {
        Object images = browser.driver().executeScript(
                "return document.querySelectorAll('img, svg, iframe, object, main b').length");
        assertThat(((Number) images).intValue()).as("elements made from client text on " + page).isZero();
        Object scripts = browser.driver().executeScript("return Array.from(document.scripts)"
                + ".filter(function (s) { return !s.src || s.textContent.indexOf('__xss') >= 0; }).length");
        assertThat(((Number) scripts).intValue()).as("inline scripts on " + page).isZero();
        assertThat(browser.driver().executeScript("return typeof window.__xss")).as("window.__xss on " + page)
                .isEqualTo("undefined");
        assertThat(browser.errors()).as("JavaScript errors on " + page).isEmpty();
    }

    /** The exact text of the first element matching {@code css} (textContent: no trimming or layout). */
    private static String text(ConsoleBrowser browser, String css) {
        Object text = browser.driver().executeScript(
                "var n = document.querySelector(arguments[0]); return n ? n.textContent : null;", css);
        return text == null ? null : text.toString();
    }

    private void post(String url, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").header("X-Telemetry-Key", KEY)
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + " answered " + response.body()).isBetween(200, 299);
    }

    /** A JSON string literal. */
    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
