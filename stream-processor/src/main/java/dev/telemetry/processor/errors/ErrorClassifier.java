package dev.telemetry.processor.errors;

import dev.telemetry.processor.rules.Severity;
import java.util.List;
import java.util.Locale;

/**
 * The seed's {@code classifyError} as data: configurable keyword rules tried in order, with the seed's own
 * rules as shipped defaults ({@code processor.yaml}) and its default (low, validation, no alert) when none
 * matches.
 */
public final class ErrorClassifier {

    /** The seed's fallback when no keyword matches. */
    static final ErrorClassification DEFAULT = new ErrorClassification(Severity.LOW, "validation", false);

    /** The seed's rules, for callers without configuration (tests, tools). */
    public static final List<ErrorRule> SEED_RULES = List.of(
            new ErrorRule(List.of("security", "unauthorized"), Severity.CRITICAL, "security", true),
            new ErrorRule(List.of("auth", "login"), Severity.HIGH, "authentication", true),
            new ErrorRule(List.of("network", "fetch"), Severity.MEDIUM, "network", false));

    private final List<ErrorRule> rules;

    public ErrorClassifier(List<ErrorRule> rules) {
        this.rules = List.copyOf(rules);
    }

    public ErrorClassification classify(String message) {
        String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
        for (ErrorRule rule : rules) {
            if (rule.matches(lower)) {
                return new ErrorClassification(rule.severity(), rule.category(), rule.shouldAlert());
            }
        }
        return DEFAULT;
    }
}
