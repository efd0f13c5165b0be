package dev.telemetry.prober.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.prober.check.Outcome;
import dev.telemetry.prober.testing.LocalServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Browser journeys in real headless Chromium (Debian's, through chromedriver) against a local page: a
 * dashboard whose sign-in button reveals a form that greets whoever is typed in. A missing binary is a
 * failure with a clear message, never a skipped test.
 */
class BrowserJourneyTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String PAGE = """
            <!doctype html>
            <html><head><title>Journal</title></head><body>
              <div data-testid="dashboard"><h1>Dashboard</h1>
                <button data-testid="sign-in-button" onclick="document.getElementById('auth').hidden = false">Sign in</button>
              </div>
              <form data-testid="auth-form" id="auth" hidden onsubmit="return false">
                <input id="name" oninput="document.getElementById('greeting').textContent = 'Hello ' + this.value">
                <p id="greeting"></p>
              </form>
            </body></html>
            """;

    private LocalServer site;

    @BeforeEach
    void startSite() {
        site = LocalServer.start().route("/", exchange -> LocalServer.respond(exchange, 200, "text/html; charset=utf-8", PAGE));
    }

    @AfterEach
    void stopSite() {
        site.close();
    }

    @Test
    void shouldPassWhenEveryStepSucceeds() {
        BrowserJourney journey = new BrowserJourney("sign-in", List.of(
                new JourneyStep.Open(site.url("/")),
                new JourneyStep.WaitFor("[data-testid=\"dashboard\"]"),
                new JourneyStep.Click("[data-testid=\"sign-in-button\"]"),
                new JourneyStep.WaitFor("[data-testid=\"auth-form\"]"),
                new JourneyStep.Type("#name", "Ann"),
                new JourneyStep.AssertText("#greeting", "Hello Ann")), TIMEOUT, Chromium.debian());

        Outcome outcome = journey.run();

        assertThat(outcome).isEqualTo(Outcome.passed());
    }

    @Test
    void shouldNameTheStepAndWhatItFoundWhenAnAssertionFails() {
        BrowserJourney journey = new BrowserJourney("sign-in", List.of(
                new JourneyStep.Open(site.url("/")),
                new JourneyStep.Click("[data-testid=\"sign-in-button\"]"),
                new JourneyStep.Type("#name", "Bob"),
                new JourneyStep.AssertText("#greeting", "Hello Ann")), Duration.ofSeconds(8), Chromium.debian());

        Outcome outcome = journey.run();

        assertThat(outcome).isEqualTo(Outcome.failed(
                "step 4 (assert-text '#greeting'): expected text containing 'Hello Ann', found 'Hello Bob'"));
    }

    @Test
    void shouldNameTheSelectorWhenAnElementNeverAppears() {
        BrowserJourney journey = new BrowserJourney("sign-in", List.of(
                new JourneyStep.Open(site.url("/")),
                new JourneyStep.WaitFor("[data-testid=\"journal-editor\"]")), Duration.ofSeconds(8), Chromium.debian());

        Outcome outcome = journey.run();

        assertThat(outcome.success()).isFalse();
        assertThat(outcome.error()).matches(
                "step 2 \\(wait-for '\\[data-testid=\"journal-editor\"]'\\): no element matched '\\[data-testid=\"journal-editor\"]' within \\d+ ms");
    }

    @Test
    void shouldFailWithTheMissingPathWhenChromedriverIsNotInstalled() {
        Chromium missing = new Chromium(Path.of("/nonexistent/chromedriver"), Path.of("/usr/bin/chromium"));
        BrowserJourney journey = new BrowserJourney("sign-in", List.of(new JourneyStep.Open(site.url("/"))), TIMEOUT, missing);

        Outcome outcome = journey.run();

        assertThat(outcome).isEqualTo(Outcome.failed("chromedriver not found at /nonexistent/chromedriver: install Debian's "
                + "chromium-driver package or set browser.chromedriver in the prober's configuration"));
    }
}
