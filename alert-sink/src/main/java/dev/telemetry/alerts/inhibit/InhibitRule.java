package dev.telemetry.alerts.inhibit;

import dev.telemetry.alerts.silence.Matcher;
import dev.telemetry.service.config.ConfigException;
import java.util.List;

/**
 * Alertmanager's inhibit rule: while an alert matching {@code sourceMatchers} fires, alerts
 * matching {@code targetMatchers} with the same values of the {@code equal} labels are not
 * notified. Matchers are written as in Alertmanager, e.g. {@code severity="critical"}.
 */
public record InhibitRule(List<String> sourceMatchers, List<String> targetMatchers, List<String> equal) {

    public InhibitRule {
        sourceMatchers = sourceMatchers == null ? List.of() : List.copyOf(sourceMatchers);
        targetMatchers = targetMatchers == null ? List.of() : List.copyOf(targetMatchers);
        equal = equal == null ? List.of() : List.copyOf(equal);
    }

    /** Parses the matchers, failing with the key of the bad one. */
    public void validate(String key) {
        parse(key + ".source-matchers", sourceMatchers);
        parse(key + ".target-matchers", targetMatchers);
        if (sourceMatchers.isEmpty() || targetMatchers.isEmpty()) {
            throw new ConfigException(key, "needs source-matchers and target-matchers");
        }
    }

    List<Matcher> sources() {
        return parse("source-matchers", sourceMatchers);
    }

    List<Matcher> targets() {
        return parse("target-matchers", targetMatchers);
    }

    private static List<Matcher> parse(String key, List<String> texts) {
        try {
            return texts.stream().map(Matcher::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }
}
