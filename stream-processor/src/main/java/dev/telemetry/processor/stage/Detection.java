package dev.telemetry.processor.stage;

import dev.telemetry.processor.errors.ErrorClassifier;
import dev.telemetry.processor.errors.ErrorRule;
import java.time.Duration;
import java.util.List;

/**
 * What the topology derives beyond plain summaries, and its limits.
 *
 * @param rateLimitPerMinute    requests per (ip, endpoint) per minute above which one {@code Rate Limit Exceeded}
 *                              finding is emitted (the seed: 100)
 * @param slowPageLoadMs        a page load above this counts as slow (the seed's {@code detectPerformanceIssue}: 3000)
 * @param errorRules            {@code classifyError} as rules, first match wins
 * @param regressionWindows     an error fingerprint seen again after this many quiet windows is a regression
 * @param forgetFingerprintsAfter a fingerprint not seen for this long is dropped from the processor's state
 * @param cardinality           series per app and window, and label sets per metric, before new ones go to overflow
 * @param securityChannels      where alerts for security findings, alerting errors and new fingerprints go
 * @param rollups               how per-item event alerts are rolled up per rule, app and window
 * @param vitalOffenders        how many attribution targets {@code telemetry.vitals-attribution} names
 */
public record Detection(int rateLimitPerMinute, double slowPageLoadMs, List<ErrorRule> errorRules, int regressionWindows,
                        Duration forgetFingerprintsAfter, CardinalityCaps cardinality, List<String> securityChannels,
                        EventRollups rollups, VitalOffendersLimits vitalOffenders) {

    /** Detection with the default {@link VitalOffendersLimits}. */
    public Detection(int rateLimitPerMinute, double slowPageLoadMs, List<ErrorRule> errorRules, int regressionWindows,
                     Duration forgetFingerprintsAfter, CardinalityCaps cardinality, List<String> securityChannels,
                     EventRollups rollups) {
        this(rateLimitPerMinute, slowPageLoadMs, errorRules, regressionWindows, forgetFingerprintsAfter, cardinality,
                securityChannels, rollups, VitalOffendersLimits.defaults());
    }

    /** Detection with the default {@link EventRollups}. */
    public Detection(int rateLimitPerMinute, double slowPageLoadMs, List<ErrorRule> errorRules, int regressionWindows,
                     Duration forgetFingerprintsAfter, CardinalityCaps cardinality, List<String> securityChannels) {
        this(rateLimitPerMinute, slowPageLoadMs, errorRules, regressionWindows, forgetFingerprintsAfter, cardinality,
                securityChannels, EventRollups.defaults());
    }

    public Detection {
        rollups = rollups == null ? EventRollups.defaults() : rollups;
        vitalOffenders = vitalOffenders == null ? VitalOffendersLimits.defaults() : vitalOffenders;
        errorRules = errorRules == null ? ErrorClassifier.SEED_RULES : List.copyOf(errorRules);
        securityChannels = securityChannels == null ? List.of() : List.copyOf(securityChannels);
        cardinality = cardinality == null ? CardinalityCaps.defaults() : cardinality;
    }

    /** The seed's numbers: 100 requests/min, 3 s page loads, its keyword rules; {@link CardinalityCaps#defaults()}. */
    public static Detection defaults() {
        return new Detection(100, 3000, ErrorClassifier.SEED_RULES, 60, Duration.ofDays(30), CardinalityCaps.defaults(),
                List.of("#security"));
    }
}
