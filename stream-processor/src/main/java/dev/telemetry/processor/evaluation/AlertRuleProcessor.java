package dev.telemetry.processor.evaluation;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.processor.rules.AlertFingerprint;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.rules.AlertState;
import dev.telemetry.processor.rules.AlertStateMachine;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.StateStoreKind;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Evaluates the alert rules on every closed window and emits each alert state change.
 * Input: the summaries the window aggregation emits (the records of {@code telemetry.summaries});
 * output: {@link AlertEvent}s for {@code telemetry.alerts}, keyed by fingerprint.
 *
 * <p>State per (rule, series) lives in a changelogged store keyed by the alert's fingerprint; only
 * pending and firing alerts are stored. A series is always summarised by the same task (its events share
 * a partition of a raw topic, or, for an app's {@code error_rate}, of the repartition topic keyed by app), so
 * its alerts are too.
 */
public final class AlertRuleProcessor implements Processor<String, Summary, String, AlertEvent> {

    public static final String STATES_STORE = "alert-states";
    /** The latest summary of every series, for the processor's HTTP endpoint (interactive queries). */
    public static final String RECENT_SUMMARIES_STORE = "recent-summaries";

    private final Map<String, List<AlertRule>> rulesByMetric;
    private final ProcessorMetrics metrics;

    private ProcessorContext<String, AlertEvent> context;
    private KeyValueStore<String, AlertState> states;
    private KeyValueStore<String, Summary> recent;

    private AlertRuleProcessor(List<AlertRule> rules, ProcessorMetrics metrics) {
        this.rulesByMetric = rules.stream().collect(Collectors.groupingBy(AlertRule::metric));
        this.metrics = metrics;
    }

    public static ProcessorSupplier<String, Summary, String, AlertEvent> supplier(ProcessorSettings settings,
                                                                             ProcessorMetrics metrics) {
        List<AlertRule> rules = settings.rules();
        StateStoreKind kind = settings.stateStores();
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Summary, String, AlertEvent> get() {
                return new AlertRuleProcessor(rules, metrics);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(kind.keyValueStore(STATES_STORE,
                                Serdes.String(), JsonSerde.of(AlertState.class)),
                        kind.keyValueStore(RECENT_SUMMARIES_STORE,
                                Serdes.String(), JsonSerde.summary()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, AlertEvent> context) {
        this.context = context;
        this.states = context.getStateStore(STATES_STORE);
        this.recent = context.getStateStore(RECENT_SUMMARIES_STORE);
    }

    @Override
    public void process(Record<String, Summary> record) {
        Summary summary = record.value();
        if (summary == null) {
            return;
        }
        recent.put(summary.key(), summary);
        for (AlertRule rule : rulesByMetric.getOrDefault(summary.metric(), List.of())) {
            if (!rule.matches(summary)) {
                continue;
            }
            String fingerprint = AlertFingerprint.of(rule.name(), summary.app(), summary.series());
            AlertState current = states.get(fingerprint);
            AlertStateMachine.Step step = AlertStateMachine.evaluate(rule, summary, current);
            if (step.state() == null) {
                if (current != null) {
                    states.delete(fingerprint);
                }
            } else if (!step.state().equals(current)) {
                states.put(fingerprint, step.state());
            }
            for (AlertEvent event : step.events()) {
                context.forward(new Record<>(event.fingerprint(), event, record.timestamp()));
                metrics.alertChanged(event.status());
            }
        }
    }
}
