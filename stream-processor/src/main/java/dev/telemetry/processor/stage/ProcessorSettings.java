package dev.telemetry.processor.stage;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.slo.spec.Slo;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the topology's shape and semantics depend on, and nothing about how it is run (brokers,
 * threads, guarantees): what {@link dev.telemetry.processor.topology.TelemetryTopology#build} needs, so tests build the production topology.
 *
 * @param windowSize         tumbling window size
 * @param grace              how long after a window's end its late events are still counted
 * @param closeCheckInterval how often the wall clock is checked for windows to close
 * @param slos               the service level objectives whose budgets and burn rates are computed
 * @param stateStores        what the state stores are built on: {@link StateStoreKind#PERSISTENT} unless a
 *                           throw-away run asks for {@link StateStoreKind#IN_MEMORY}
 */
public record ProcessorSettings(TopicCatalogue topics, Duration windowSize, Duration grace,
                                Duration closeCheckInterval, List<AlertRule> rules, Detection detection,
                                List<Slo> slos, StateStoreKind stateStores) {

    /** Settings with persistent state stores. */
    public ProcessorSettings(TopicCatalogue topics, Duration windowSize, Duration grace, Duration closeCheckInterval,
                             List<AlertRule> rules, Detection detection, List<Slo> slos) {
        this(topics, windowSize, grace, closeCheckInterval, rules, detection, slos, StateStoreKind.PERSISTENT);
    }

    /** Settings with the seed's detection defaults. */
    public ProcessorSettings(TopicCatalogue topics, Duration windowSize, Duration grace, Duration closeCheckInterval,
                             List<AlertRule> rules) {
        this(topics, windowSize, grace, closeCheckInterval, rules, Detection.defaults());
    }

    /** Settings without SLOs. */
    public ProcessorSettings(TopicCatalogue topics, Duration windowSize, Duration grace, Duration closeCheckInterval,
                             List<AlertRule> rules, Detection detection) {
        this(topics, windowSize, grace, closeCheckInterval, rules, detection, List.of());
    }


    public ProcessorSettings {
        Objects.requireNonNull(topics, "topics");
        requirePositive("windowSize", windowSize);
        Objects.requireNonNull(grace, "grace");
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative, got " + grace);
        }
        requirePositive("closeCheckInterval", closeCheckInterval);
        rules = rules == null ? List.of() : List.copyOf(rules);
        detection = detection == null ? Detection.defaults() : detection;
        slos = slos == null ? List.of() : List.copyOf(slos);
        stateStores = stateStores == null ? StateStoreKind.PERSISTENT : stateStores;
    }

    /** The same settings with state stores of {@code kind}. */
    public ProcessorSettings withStateStores(StateStoreKind kind) {
        return new ProcessorSettings(topics, windowSize, grace, closeCheckInterval, rules, detection, slos, kind);
    }


    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
