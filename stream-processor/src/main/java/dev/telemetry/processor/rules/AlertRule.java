package dev.telemetry.processor.rules;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.processor.vitals.CoreWebVitals;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One alert rule in the seed's shape ({@code alertRules}), evaluated on every closed window of every
 * series it matches.
 *
 * @param name          unique; becomes the {@code alertname} label and part of the fingerprint
 * @param metric        the {@link Summary#metric()} it watches, e.g. {@code LCP}, {@code checkout_ms}
 * @param stat          which statistic of the window is compared; {@code mean} when absent
 * @param labels        only series whose labels include all of these match; empty matches every series
 * @param threshold     compared with {@code operator}
 * @param duration      minutes the condition must hold in consecutive windows before the alert fires; 0 when absent
 * @param keepFiringFor once firing, how long the condition must stay false before it resolves
 */
public record AlertRule(String name, String metric, Statistic stat, Map<String, String> labels, Operator operator,
                        Double threshold, Integer duration, Severity severity, List<String> channels,
                        Map<String, String> annotations,
                        @JsonAlias("keep_firing_for") Duration keepFiringFor) {

    /** The label of the vitals' per page and form factor series (see {@link #matches}). */
    static final String FORM_FACTOR = "formFactor";

    public AlertRule {
        stat = stat == null ? Statistic.MEAN : stat;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        channels = channels == null ? List.of() : List.copyOf(channels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        keepFiringFor = keepFiringFor == null ? Duration.ZERO : keepFiringFor;
        // Prometheus' `for:` defaults to 0 as well: fire on the first breaching window.
        duration = duration == null ? 0 : duration;
    }

    /**
     * Whether this rule watches the summary's series: same metric, and the rule's labels are a subset of the series'.
     * A series with a {@value #FORM_FACTOR} label (a vital per page and form factor, which refines the per-page series)
     * is watched only by rules that name a form factor: a rule on {@code LCP} pages once for a slow page, not once more
     * for each form factor of it. The Core Web Vitals assessment exists only per form factor, and any rule on it
     * watches it.
     */
    public boolean matches(Summary summary) {
        return metric.equals(summary.metric()) && summary.labels().entrySet().containsAll(labels.entrySet())
                && (labels.containsKey(FORM_FACTOR) || !summary.labels().containsKey(FORM_FACTOR)
                        || CoreWebVitals.ASSESSMENT.equals(metric));
    }

    /** Whether the window's statistic breaches the threshold. */
    public boolean breachedBy(Summary summary) {
        return operator.holds(stat.of(summary), threshold);
    }

    /** How long consecutive breaching windows must cover before the alert fires. */
    public Duration forDuration() {
        return Duration.ofMinutes(duration);
    }

    /** Checks the rule as configured at {@code key} (e.g. {@code rules[2]}); failures name the field. */
    public void validate(String key) {
        Require.notBlank(key + ".name", name);
        Require.notBlank(key + ".metric", metric);
        Require.present(key + ".operator", operator);
        Require.present(key + ".threshold", threshold);
        if (!Double.isFinite(threshold)) {
            throw new ConfigException(key + ".threshold", "must be a finite number, got " + threshold);
        }
        if (duration < 0) {
            throw new ConfigException(key + ".duration", "must be 0 or more minutes, got " + duration);
        }
        Require.present(key + ".severity", severity);
        Require.notNegative(key + ".keep-firing-for", keepFiringFor);
        for (int i = 0; i < channels.size(); i++) {
            Require.notBlank(key + ".channels[" + i + "]", channels.get(i));
        }
    }
}
