package dev.telemetry.rulelab.backtest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One labelled incident of an {@code --incidents} file: something that went wrong between {@code start} and
 * {@code end}, which a rule should have caught.
 *
 * @param labels only firing intervals whose labels include all of these count for it (empty: any)
 * @param rules  only these rules are judged by it (empty: every rule); a name is a rule's name, or for an SLO's
 *               burn-rate alerts {@code slo_burn_rate} (all of them) or the report's name
 *               ({@code slo_burn_rate:<slo>:<long>/<short>})
 */
public record Incident(String name, Instant start, Instant end, Map<String, String> labels, List<String> rules) {

    public Incident {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("an incident ends after it starts");
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        rules = rules == null ? List.of() : List.copyOf(rules);
    }

    /** Whether the incident judges the report named {@code report} (a rule, or an SLO's burn-rate alert). */
    public boolean judges(String report) {
        if (rules.isEmpty()) {
            return true;
        }
        for (String rule : rules) {
            if (rule.equals(report) || report.startsWith(rule + ":")) {
                return true;
            }
        }
        return false;
    }

    /** Whether an alert with {@code alertLabels} is about this incident: it carries every label the incident names. */
    public boolean matchesLabels(Map<String, String> alertLabels) {
        return alertLabels.entrySet().containsAll(labels.entrySet());
    }
}
