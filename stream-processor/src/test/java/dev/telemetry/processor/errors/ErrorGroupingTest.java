package dev.telemetry.processor.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.processor.rules.Severity;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The seed's classifyError as default rules. (Fingerprints moved to telemetry-events, with their tests:
 * {@code dev.telemetry.events.errors.ErrorFingerprintTest}; the console groups errors the same way.)
 */
class ErrorGroupingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Security token rejected|CRITICAL|security|true",
            "Unauthorized access to /admin|CRITICAL|security|true",
            "Login failed|HIGH|authentication|true",
            "OAuth callback error|HIGH|authentication|true",
            "Network request failed|MEDIUM|network|false",
            "Failed to fetch|MEDIUM|network|false",
            "Cannot read properties of undefined|LOW|validation|false"})
    void shouldClassifyAsSeedDoesWhenDefaultRulesApply(String message, Severity severity, String category,
                                                      boolean shouldAlert) {
        assertThat(new ErrorClassifier(ErrorClassifier.SEED_RULES).classify(message))
                .isEqualTo(new ErrorClassification(severity, category, shouldAlert));
    }
}
