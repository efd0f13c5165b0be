package dev.telemetry.rulelab.replay;

import dev.telemetry.events.derived.AlertStatus;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert that is pending or firing at a point of a run: what the processor's rule state holds for one rule and
 * series, with the labels and annotations of the alert records it emitted.
 *
 * @param startsAt start of the first window of the current run of breaching windows
 * @param value    the statistic's value in the window of the alert's latest state change
 */
public record ActiveAlert(String fingerprint, String rule, AlertStatus status, Map<String, String> labels,
                          Map<String, String> annotations, Instant startsAt, double value) {

    public ActiveAlert {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    /** The alert's state as a test names it: {@code pending} or {@code firing}. */
    public String state() {
        return status == AlertStatus.PENDING ? "pending" : "firing";
    }

    /** Sorted labels, for stable output. */
    public Map<String, String> sortedLabels() {
        return new TreeMap<>(labels);
    }
}
