package dev.telemetry.processor;

import dev.telemetry.events.EventType;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.processor.stage.ProcessorMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * The topology's counters as Micrometer meters, all registered up front so a dashboard shows zeros rather
 * than gaps: {@code processor.records.late{type}}, {@code processor.records.ignored{type}},
 * {@code processor.summaries}, {@code processor.alerts{status}}, {@code processor.error.fingerprints.forgotten}; {@code processor.series.overflow{app,reason}} and
 * {@code processor.security.findings{finding}} appear with their first increment.
 */
final class MicrometerProcessorMetrics implements ProcessorMetrics {

    private final Map<EventType, Counter> late = new EnumMap<>(EventType.class);
    private final Map<EventType, Counter> ignored = new EnumMap<>(EventType.class);
    private final Map<AlertStatus, Counter> alerts = new EnumMap<>(AlertStatus.class);
    private final Counter summaries;
    private final Counter fingerprintsForgotten;
    private final Counter rollupLate;
    private final MeterRegistry registry;
    private final Map<String, Counter> overflow = new java.util.concurrent.ConcurrentHashMap<>();

    MicrometerProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (EventType type : EventType.values()) {
            late.put(type, Counter.builder("processor.records.late")
                    .description("Events dropped because their window had already closed (end + grace passed)")
                    .tag("type", type.wireName()).register(registry));
            ignored.put(type, Counter.builder("processor.records.ignored")
                    .description("Events of a kind that feeds no series")
                    .tag("type", type.wireName()).register(registry));
        }
        for (AlertStatus status : AlertStatus.values()) {
            alerts.put(status, Counter.builder("processor.alerts")
                    .description("Alert state changes emitted")
                    .tag("status", status.wireName()).register(registry));
        }
        summaries = Counter.builder("processor.summaries")
                .description("Window summaries emitted, one per series and closed window").register(registry);
        fingerprintsForgotten = Counter.builder("processor.error.fingerprints.forgotten")
                .description("Error fingerprints dropped from state after errors.forget-after without being seen")
                .register(registry);
        rollupLate = Counter.builder("processor.rollup.late")
                .description("Offending items that reached the event-alert rollup after its window closed "
                        + "(their findings are on the security topic)").register(registry);
    }

    @Override
    public void lateRecordDropped(EventType type) {
        late.get(type).increment();
    }

    @Override
    public void recordIgnored(EventType type) {
        ignored.get(type).increment();
    }

    @Override
    public void summaryEmitted() {
        summaries.increment();
    }

    @Override
    public void seriesOverflowed(String app, String reason) {
        // Tagged by app and cap, both bounded (the ingest keys, three caps): never by the names a client sends.
        // Looked up, not built, per value: a flood of names calls this for every value it turns away.
        overflow.computeIfAbsent(app + '\0' + reason, key -> Counter.builder("processor.series.overflow")
                .description("Values of series beyond a cardinality cap, sent to an overflow series instead")
                .tag("app", app).tag("reason", reason).register(registry)).increment();
    }

    @Override
    public void findingEmitted(String finding) {
        registry.counter("processor.security.findings", "finding", finding).increment();
    }

    @Override
    public void rollupItemLate(String rule) {
        rollupLate.increment();
    }

    @Override
    public void sloCountLate(String slo) {
        // Tagged by SLO: a bounded, configured set.
        registry.counter("processor.slo.late", "slo", slo).increment();
    }

    @Override
    public void errorFingerprintsForgotten(int count) {
        fingerprintsForgotten.increment(count);
    }

    @Override
    public void alertChanged(AlertStatus status) {
        alerts.get(status).increment();
    }
}
