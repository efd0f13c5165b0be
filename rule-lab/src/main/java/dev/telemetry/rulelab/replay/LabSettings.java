package dev.telemetry.rulelab.replay;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.processor.stage.Detection;
import dev.telemetry.processor.stage.ProcessorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a lab run evaluates: the rules, the window settings and the detection settings of a processor
 * configuration, as the processor itself would get them ({@link ProcessorConfig#settings()}), on the default topic
 * names (the run's topics are its own, in memory).
 *
 * @param slos SLOs whose burn-rate alerts the run computes too; the unit tests pass none (see the README)
 */
public record LabSettings(List<AlertRule> rules, Duration windowSize, Duration grace, Duration closeCheckInterval,
                          Detection detection, List<Slo> slos) {

    public LabSettings {
        rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
        Objects.requireNonNull(windowSize, "windowSize");
        Objects.requireNonNull(grace, "grace");
        Objects.requireNonNull(closeCheckInterval, "closeCheckInterval");
        detection = detection == null ? Detection.defaults() : detection;
        slos = slos == null ? List.of() : List.copyOf(slos);
    }

    /** The rules, windows and detection settings of {@code config}, without its SLOs. */
    public static LabSettings rulesOf(ProcessorConfig config) {
        ProcessorConfig.Windows w = config.windows();
        return new LabSettings(config.rules(), w.size(), w.grace(), w.closeCheckInterval(), config.detection(), List.of());
    }

    public LabSettings withWindows(Duration size, Duration grace, Duration closeCheckInterval) {
        return new LabSettings(rules, size == null ? windowSize : size, grace == null ? this.grace : grace,
                closeCheckInterval == null ? this.closeCheckInterval : closeCheckInterval, detection, slos);
    }

    public LabSettings withSlos(List<Slo> slos) {
        return new LabSettings(rules, windowSize, grace, closeCheckInterval, detection, slos);
    }

    /** The settings the production topology is built from. */
    public ProcessorSettings processorSettings() {
        return new ProcessorSettings(TopicCatalogue.defaults(), windowSize, grace, closeCheckInterval, rules, detection,
                slos);
    }
}
