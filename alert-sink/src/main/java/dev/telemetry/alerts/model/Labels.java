package dev.telemetry.alerts.model;

import dev.telemetry.events.derived.AlertEvent;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sink's one label model: what every stage (muting, grouping) and every receiver reads of an
 * alert, so that none of them depends on a receiver's payload type.
 */
public final class Labels {

    private Labels() {
    }

    /**
     * Labels sorted by name, with {@code alertname} and {@code severity} filled from the rule when
     * the processor did not set them: Alertmanager receivers key on {@code alertname}.
     */
    public static Map<String, String> of(AlertEvent alert) {
        Map<String, String> labels = new TreeMap<>(alert.labels());
        if (alert.rule() != null) {
            labels.putIfAbsent("alertname", alert.rule());
        }
        if (alert.severity() != null) {
            labels.putIfAbsent("severity", alert.severity());
        }
        return labels;
    }

    /** The rule's annotations plus a {@code description} a person can read when the rule gave none. */
    public static Map<String, String> annotations(AlertEvent alert) {
        Map<String, String> annotations = new TreeMap<>(alert.annotations());
        annotations.putIfAbsent("description", alert.message());
        return annotations;
    }
}
