package dev.telemetry.prober.browser;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One step of a browser journey, as the seed's Playwright script does them: open a page, wait for a
 * selector, click, type, and assert an element's text. Steps that find an element wait for it (up to
 * the time the journey has left), as Playwright's do; a step that cannot complete throws
 * {@link JourneyFailure} saying what it saw.
 */
public sealed interface JourneyStep {

    /** How the step is written in the configuration, e.g. {@code click '#sign-in'}: names it in errors. */
    String describe();

    /** Performs the step, waiting at most {@code patience} for what it needs. */
    void perform(WebDriver driver, Duration patience);

    /** {@code open: url}: loads the page (and waits for its load event). */
    record Open(String url) implements JourneyStep {
        @Override
        public String describe() {
            return "open " + url;
        }

        @Override
        public void perform(WebDriver driver, Duration patience) {
            driver.manage().timeouts().pageLoadTimeout(patience);
            try {
                driver.get(url);
            } catch (TimeoutException e) {
                throw new JourneyFailure("the page did not load within " + Steps.seconds(patience));
            }
        }
    }

    /** {@code wait-for: selector}: an element matching it becomes visible. */
    record WaitFor(String selector) implements JourneyStep {
        @Override
        public String describe() {
            return "wait-for '" + selector + "'";
        }

        @Override
        public void perform(WebDriver driver, Duration patience) {
            Steps.visible(driver, selector, patience);
        }
    }

    /** {@code click: selector}: clicks the element once it is visible and enabled. */
    record Click(String selector) implements JourneyStep {
        @Override
        public String describe() {
            return "click '" + selector + "'";
        }

        @Override
        public void perform(WebDriver driver, Duration patience) {
            Steps.visible(driver, selector, patience);
            try {
                new WebDriverWait(driver, patience).until(ExpectedConditions.elementToBeClickable(By.cssSelector(selector)))
                        .click();
            } catch (TimeoutException e) {
                throw new JourneyFailure("'" + selector + "' did not become clickable within " + Steps.seconds(patience));
            }
        }
    }

    /** {@code type: {selector, text}}: types the text into the element. */
    record Type(String selector, String text) implements JourneyStep {
        @Override
        public String describe() {
            return "type into '" + selector + "'";
        }

        @Override
        public void perform(WebDriver driver, Duration patience) {
            Steps.visible(driver, selector, patience).sendKeys(text);
        }
    }

    /** {@code assert-text: {selector, contains}}: the element's text comes to contain the expected text. */
    record AssertText(String selector, String contains) implements JourneyStep {
        @Override
        public String describe() {
            return "assert-text '" + selector + "'";
        }

        @Override
        public void perform(WebDriver driver, Duration patience) {
            Steps.visible(driver, selector, patience);
            try {
                // Pages update text after events: wait for it, as Playwright's expect(...).toContainText does.
                new WebDriverWait(driver, patience).until(d -> textOf(d).contains(contains));
            } catch (TimeoutException e) {
                throw new JourneyFailure("expected text containing '" + contains + "', found '"
                        + Steps.abbreviate(textOf(driver)) + "'");
            }
        }

        private String textOf(WebDriver driver) {
            try {
                return driver.findElement(By.cssSelector(selector)).getText();
            } catch (NoSuchElementException e) {
                return "";
            }
        }
    }
}
