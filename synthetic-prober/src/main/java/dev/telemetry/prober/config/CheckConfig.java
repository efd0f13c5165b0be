package dev.telemetry.prober.config;

import dev.telemetry.prober.browser.JourneyStep;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One configured check: an HTTP request with expectations, or a browser journey of steps.
 *
 * @param name           unique; the label {@code check=<name>} of its series
 * @param type           {@code http} (the default) or {@code browser}
 * @param interval       how often it runs
 * @param timeout        how long one run may take before it counts as failed
 * @param url            http: what to request; browser: the base {@code open:} paths are appended to (optional)
 * @param method         http: the request method (default GET)
 * @param expectedStatus http: the status that counts as success (default 200)
 * @param bodyContains   http: text the body must contain (optional)
 * @param latencyBudget  http: a slower response is a failure (optional)
 * @param steps          browser: the journey
 */
public record CheckConfig(String name, CheckType type, Duration interval, Duration timeout, String url,
                          String method, Integer expectedStatus, String bodyContains, Duration latencyBudget,
                          List<StepConfig> steps) {

    /** What a check does. */
    public enum CheckType { HTTP, BROWSER }

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The gateway's limit on names ({@code Limits.nameLength}): a longer check name would be rejected there. */
    static final int MAX_NAME_LENGTH = 1024;
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH");

    public CheckConfig {
        type = type == null ? CheckType.HTTP : type;
        interval = interval == null ? DEFAULT_INTERVAL : interval;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        method = method == null ? "GET" : method.strip().toUpperCase(Locale.ROOT);
        expectedStatus = expectedStatus == null ? 200 : expectedStatus;
        steps = steps == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(steps));
    }

    /** An HTTP check with the defaults for everything else. */
    public static CheckConfig http(String name, String url, Duration interval, Duration timeout) {
        return new CheckConfig(name, CheckType.HTTP, interval, timeout, url, null, null, null, null, null);
    }

    /** Fails with a {@link ConfigException} naming the first bad key under {@code key}, e.g. {@code checks[1]}. */
    public void validate(String key) {
        Require.notBlank(key + ".name", name);
        if (name.length() > MAX_NAME_LENGTH) {
            throw new ConfigException(key + ".name", "must be at most " + MAX_NAME_LENGTH + " characters");
        }
        Require.positive(key + ".interval", interval);
        Require.positive(key + ".timeout", timeout);
        if (type == CheckType.HTTP) {
            Urls.requireHttp(key + ".url", url);
            if (!METHODS.contains(method)) {
                throw new ConfigException(key + ".method", "must be one of " + METHODS + ", got '" + method + "'");
            }
            if (expectedStatus < 100 || expectedStatus > 599) {
                throw new ConfigException(key + ".expected-status", "must be an HTTP status between 100 and 599, got "
                        + expectedStatus);
            }
            if (latencyBudget != null) {
                Require.positive(key + ".latency-budget", latencyBudget);
            }
            if (!steps.isEmpty()) {
                throw new ConfigException(key + ".steps", "only browser checks have steps (set type: browser)");
            }
        } else {
            if (url != null) {
                Urls.requireHttp(key + ".url", url);
            }
            if (steps.isEmpty()) {
                throw new ConfigException(key + ".steps", "a browser check needs at least one step");
            }
            for (int i = 0; i < steps.size(); i++) {
                String stepKey = key + ".steps[" + i + "]";
                if (steps.get(i) == null) {
                    throw new ConfigException(stepKey, "must be a step, not empty");
                }
                steps.get(i).validate(stepKey, url);
            }
            if (steps.get(0).open() == null) {
                throw new ConfigException(key + ".steps[0]", "a journey starts with open: <url>");
            }
        }
    }

    /** The journey's steps, {@code open:} paths appended to {@link #url}. Only for valid browser checks. */
    public List<JourneyStep> journey() {
        String base = url == null ? null : url.strip();
        return steps.stream().map(step -> step.toStep(base)).toList();
    }
}
