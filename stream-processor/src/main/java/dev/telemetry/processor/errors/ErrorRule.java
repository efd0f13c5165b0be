package dev.telemetry.processor.errors;

import dev.telemetry.processor.rules.Severity;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;
import java.util.List;
import java.util.Locale;

/**
 * One rule of the seed's {@code classifyError}: an error whose lower-cased message contains any of
 * {@code keywords} gets this severity, category and shouldAlert. Rules are tried in order; the first match wins.
 */
public record ErrorRule(List<String> keywords, Severity severity, String category, Boolean shouldAlert) {

    public ErrorRule {
        keywords = keywords == null ? List.of()
                : keywords.stream().map(k -> k == null ? null : k.toLowerCase(Locale.ROOT)).toList();
        shouldAlert = shouldAlert != null && shouldAlert;
    }

    boolean matches(String lowerCaseMessage) {
        return keywords.stream().anyMatch(lowerCaseMessage::contains);
    }

    /** Checks the rule as configured at {@code key}; failures name the field. */
    public void validate(String key) {
        if (keywords.isEmpty()) {
            throw new ConfigException(key + ".keywords", "must list at least one keyword");
        }
        for (int i = 0; i < keywords.size(); i++) {
            Require.notBlank(key + ".keywords[" + i + "]", keywords.get(i));
        }
        Require.present(key + ".severity", severity);
        Require.notBlank(key + ".category", category);
    }
}
