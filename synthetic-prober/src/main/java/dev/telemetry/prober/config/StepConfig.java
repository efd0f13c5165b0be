package dev.telemetry.prober.config;

import dev.telemetry.prober.browser.JourneyStep;
import dev.telemetry.service.config.ConfigException;
import java.util.ArrayList;
import java.util.List;

/**
 * One step of a browser journey as written in YAML: exactly one of
 * {@code open: url}, {@code wait-for: selector}, {@code click: selector}, {@code type: {selector, text}},
 * {@code assert-text: {selector, contains}}.
 */
public record StepConfig(String open, String waitFor, String click, TypeText type, AssertText assertText) {

    /** {@code type: {selector, text}}: types text into an input. */
    public record TypeText(String selector, String text) {
    }

    /** {@code assert-text: {selector, contains}}: the element's text must contain {@code contains}. */
    public record AssertText(String selector, String contains) {
    }

    void validate(String key, String baseUrl) {
        List<String> actions = new ArrayList<>();
        if (open != null) actions.add("open");
        if (waitFor != null) actions.add("wait-for");
        if (click != null) actions.add("click");
        if (type != null) actions.add("type");
        if (assertText != null) actions.add("assert-text");
        if (actions.size() != 1) {
            throw new ConfigException(key, "a step needs exactly one of open, wait-for, click, type, assert-text; got "
                    + (actions.isEmpty() ? "none" : String.join(", ", actions)));
        }
        if (open != null) {
            if (open.startsWith("/")) {
                if (baseUrl == null) {
                    throw new ConfigException(key + ".open", "'" + open + "' is a path: set the check's url to put it on");
                }
            } else {
                Urls.requireHttp(key + ".open", open);
            }
        }
        selector(key + ".wait-for", waitFor, waitFor != null);
        selector(key + ".click", click, click != null);
        if (type != null) {
            selector(key + ".type.selector", type.selector(), true);
            if (type.text() == null) {
                throw new ConfigException(key + ".type.text", "must be set");
            }
        }
        if (assertText != null) {
            selector(key + ".assert-text.selector", assertText.selector(), true);
            if (assertText.contains() == null || assertText.contains().isEmpty()) {
                throw new ConfigException(key + ".assert-text.contains", "must be set");
            }
        }
    }

    private static void selector(String key, String value, boolean required) {
        if (required && (value == null || value.isBlank())) {
            throw new ConfigException(key, "must be a CSS selector");
        }
    }

    /** The seed's {@code `${PRODUCTION_URL}/journal/new`}: the path is appended to the base, keeping the base's own path. */
    private static String join(String base, String path) {
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
    }

    JourneyStep toStep(String base) {
        if (open != null) {
            return new JourneyStep.Open(open.startsWith("/") ? join(base, open) : open.strip());
        }
        if (waitFor != null) {
            return new JourneyStep.WaitFor(waitFor);
        }
        if (click != null) {
            return new JourneyStep.Click(click);
        }
        if (type != null) {
            return new JourneyStep.Type(type.selector(), type.text());
        }
        return new JourneyStep.AssertText(assertText.selector(), assertText.contains());
    }
}
