package dev.telemetry.prober.browser;

import dev.telemetry.prober.check.Check;
import dev.telemetry.prober.check.Outcome;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.WebDriverException;

/**
 * A browser journey (the seed's {@code synthetic-tests.js}): a fresh headless Chromium runs the steps in
 * order, all within the check's timeout; the first step that fails ends the run, and the error names
 * the step by number and as configured, e.g.
 * {@code step 4 (assert-text 'h1'): expected text containing 'Welcome', found 'Sign in'}.
 */
public final class BrowserJourney implements Check {

    private final String name;
    private final List<JourneyStep> steps;
    private final Duration timeout;
    private final Chromium chromium;

    public BrowserJourney(String name, List<JourneyStep> steps, Duration timeout, Chromium chromium) {
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a journey needs at least one step");
        }
        this.name = name;
        this.steps = List.copyOf(steps);
        this.timeout = timeout;
        this.chromium = chromium;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Outcome run() {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Chromium.Session session = chromium.open()) {
            for (int i = 0; i < steps.size(); i++) {
                JourneyStep step = steps.get(i);
                // Each step may use what the journey has left, so the whole run honours the timeout.
                Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
                try {
                    step.perform(session.driver(), left);
                } catch (JourneyFailure e) {
                    return Outcome.failed("step " + (i + 1) + " (" + step.describe() + "): " + e.getMessage());
                } catch (WebDriverException e) {
                    return Outcome.failed("step " + (i + 1) + " (" + step.describe() + "): " + firstLine(e.getMessage()));
                }
            }
            return Outcome.passed();
        } catch (IllegalStateException e) {
            // A missing binary: a configuration problem of this machine, reported as the run's failure.
            return Outcome.failed(e.getMessage());
        } catch (WebDriverException e) {
            return Outcome.failed("could not start chromium: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown browser error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
