package dev.telemetry.prober.browser;

import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.InvalidSelectorException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What the steps share: waiting for a visible element, and short quotes of page text for errors. */
final class Steps {

    private static final int QUOTE_LENGTH = 80;

    private Steps() {
    }

    static WebElement visible(WebDriver driver, String selector, Duration patience) {
        try {
            return new WebDriverWait(driver, patience).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(selector)));
        } catch (TimeoutException e) {
            boolean present = !driver.findElements(By.cssSelector(selector)).isEmpty();
            throw new JourneyFailure(present
                    ? "'" + selector + "' is on the page but did not become visible within " + seconds(patience)
                    : "no element matched '" + selector + "' within " + seconds(patience));
        } catch (InvalidSelectorException e) {
            throw new JourneyFailure("'" + selector + "' is not a valid CSS selector");
        }
    }

    static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= QUOTE_LENGTH ? flat : flat.substring(0, QUOTE_LENGTH) + "…";
    }
}
