package dev.telemetry.stack.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.stack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Every view of the console, in a real browser against the real services: each is linked from the start page,
 * loads with no JavaScript error, settles (its status line leaves "Loading…"), and CI keeps a screenshot of it
 * under {@code console/target/screenshots/}.
 */
class ConsoleViewsBrowserTest {

    @Test
    void shouldLoadEveryViewLinkedFromTheStartPageWithoutAJavaScriptError(@TempDir Path dir) throws Exception {
        try (LocalStack stack = ConsoleStack.start(dir.resolve("stack"), Map.of(), Map.of(), Map.of());
             ConsoleBrowser browser = ConsoleBrowser.start(ConsoleStack.consoleUrl(stack), dir.resolve("chromium"))) {
            browser.open("/");
            browser.await("header nav a[aria-current]");
            List<String> links = browser.all("header nav a").stream().map(a -> a.getDomAttribute("href")).toList();
            assertThat(links).containsExactly("/", "/vitals.html", "/metrics.html", "/alerts.html", "/slo.html",
                    "/errors.html", "/security.html", "/synthetic.html", "/deliveries.html", "/lab.html");

            for (String link : links) {
                browser.open(link);
                WebElement current = browser.await("header nav a[aria-current]");
                assertThat(current.getDomAttribute("href")).as("the page marks itself in the navigation").isEqualTo(link);
                new WebDriverWait(browser.driver(), Duration.ofSeconds(60)).until(d ->
                        !browser.await("#summary").getText().startsWith("Loading"));
                browser.screenshot(link.equals("/") ? "overview" : link.substring(1, link.indexOf('.')));
                assertThat(browser.errors()).as("JavaScript errors on " + link).isEmpty();
            }
        }
    }
}
