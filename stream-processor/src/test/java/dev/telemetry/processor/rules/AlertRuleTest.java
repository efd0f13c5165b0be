package dev.telemetry.processor.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.events.derived.Summary;
import dev.telemetry.service.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which series a rule watches, when it is breached, and how a rule is validated. */
class AlertRuleTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @Test
    void shouldMatchOnlySeriesWhoseLabelsIncludeRuleLabelsWhenLabelsAreGiven() {
        AlertRule euOnly = rule(Operator.GT, Map.of("region", "eu"));

        assertThat(euOnly.matches(summary("checkout_ms", Map.of("region", "eu", "tier", "web"), 1))).isTrue();
        assertThat(euOnly.matches(summary("checkout_ms", Map.of("region", "us"), 1))).isFalse();
        assertThat(euOnly.matches(summary("checkout_ms", Map.of(), 1))).isFalse();
        assertThat(euOnly.matches(summary("payment_ms", Map.of("region", "eu"), 1))).isFalse();
        assertThat(rule(Operator.GT, Map.of()).matches(summary("checkout_ms", Map.of("region", "us"), 1))).isTrue();
    }

    @Test
    void shouldWatchFormFactorSeriesOnlyWhenRuleNamesFormFactor() {
        AlertRule lcp = new AlertRule("lcp_slow", "LCP", Statistic.P75, Map.of(), Operator.GT, 2500.0, 0, Severity.HIGH,
                List.of(), Map.of(), Duration.ZERO);
        AlertRule phones = new AlertRule("lcp_slow_phones", "LCP", Statistic.P75, Map.of("formFactor", "phone"),
                Operator.GT, 2500.0, 0, Severity.HIGH, List.of(), Map.of(), Duration.ZERO);
        AlertRule assessment = new AlertRule("cwv_failed", "cwv_assessment", Statistic.MEAN, Map.of(), Operator.LT, 1.0,
                30, Severity.MEDIUM, List.of(), Map.of(), Duration.ZERO);
        Summary perPage = summary("LCP", Map.of("page", "/checkout"), 3000);
        Summary perPhone = summary("LCP", Map.of("page", "/checkout", "formFactor", "phone"), 3000);

        assertThat(lcp.matches(perPage)).isTrue();
        assertThat(lcp.matches(perPhone)).as("a slow page pages once, not once more per form factor").isFalse();
        assertThat(phones.matches(perPhone)).isTrue();
        assertThat(phones.matches(perPage)).isFalse();
        assertThat(assessment.matches(summary("cwv_assessment", Map.of("page", "/", "formFactor", "desktop"), 0)))
                .as("the assessment exists only per form factor").isTrue();
    }

    @ParameterizedTest(name = "{1} {0} 100 -> {2}")
    @CsvSource({
            "gt, 100, false", "gt, 101, true",
            "gte, 99, false", "gte, 100, true",
            "lt, 100, false", "lt, 99, true",
            "lte, 101, false", "lte, 100, true",
            "eq, 100.5, false", "eq, 100, true"})
    void shouldCompareWithThresholdWhenOperatorIsApplied(String operator, double value, boolean breached) {
        AlertRule rule = rule(Operator.fromWireName(operator), Map.of());

        assertThat(rule.breachedBy(summary("checkout_ms", Map.of(), value))).isEqualTo(breached);
    }

    @Test
    void shouldListAcceptedNamesWhenOperatorIsUnknown() {
        assertThatThrownBy(() -> Operator.fromWireName("above"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be one of gt, lt, eq, gte, lte");
    }

    @Test
    void shouldNameFieldWhenRuleIsInvalid() {
        AlertRule noThreshold = new AlertRule("r", "m", null, null, Operator.GT, null, 0, Severity.LOW, null, null, null);
        AlertRule negative = new AlertRule("r", "m", null, null, Operator.GT, 1.0, -1, Severity.LOW, null, null, null);

        assertThatThrownBy(() -> noThreshold.validate("rules[3]"))
                .isInstanceOf(ConfigException.class).hasMessage("rules[3].threshold: must be set");
        assertThatThrownBy(() -> negative.validate("rules[0]"))
                .isInstanceOf(ConfigException.class).hasMessage("rules[0].duration: must be 0 or more minutes, got -1");
    }

    @Test
    void shouldApplySeedDefaultsWhenOptionalFieldsAreAbsent() {
        AlertRule rule = new AlertRule("r", "m", null, null, Operator.GT, 1.0, null, Severity.LOW, null, null, null);

        assertThat(rule.stat()).isEqualTo(Statistic.MEAN);
        assertThat(rule.labels()).isEmpty();
        assertThat(rule.channels()).isEmpty();
        assertThat(rule.annotations()).isEmpty();
        assertThat(rule.keepFiringFor()).isEqualTo(Duration.ZERO);
        assertThat(rule.duration()).isZero();
    }

    private static AlertRule rule(Operator operator, Map<String, String> labels) {
        return new AlertRule("checkout_slow", "checkout_ms", Statistic.MEAN, labels, operator, 100.0, 0, Severity.HIGH,
                List.of("#alerts"), Map.of(), Duration.ZERO);
    }

    private static Summary summary(String metric, Map<String, String> labels, double mean) {
        return new Summary(1, "shop", metric, metric, labels, T0, T0.plusSeconds(60), 1, mean, mean, mean, mean);
    }
}
