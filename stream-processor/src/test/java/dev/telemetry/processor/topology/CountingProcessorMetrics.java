package dev.telemetry.processor.topology;

import dev.telemetry.events.EventType;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.processor.stage.ProcessorMetrics;
import java.util.EnumMap;
import java.util.Map;

/** {@link ProcessorMetrics} that just counts, for exact assertions. */
final class CountingProcessorMetrics implements ProcessorMetrics {

    final Map<EventType, Integer> late = new EnumMap<>(EventType.class);
    final Map<EventType, Integer> ignored = new EnumMap<>(EventType.class);
    final Map<AlertStatus, Integer> alerts = new EnumMap<>(AlertStatus.class);
    final Map<String, Integer> overflow = new java.util.HashMap<>();
    final Map<String, Integer> findings = new java.util.HashMap<>();
    final Map<String, Integer> sloLate = new java.util.HashMap<>();
    int summaries;

    @Override
    public void sloCountLate(String slo) {
        sloLate.merge(slo, 1, Integer::sum);
    }
    int fingerprintsForgotten;

    @Override
    public void errorFingerprintsForgotten(int count) {
        fingerprintsForgotten += count;
    }

    @Override
    public void seriesOverflowed(String app, String reason) {
        overflow.merge(app + "/" + reason, 1, Integer::sum);
    }

    @Override
    public void findingEmitted(String finding) {
        findings.merge(finding, 1, Integer::sum);
    }

    @Override
    public void lateRecordDropped(EventType type) {
        late.merge(type, 1, Integer::sum);
    }

    @Override
    public void recordIgnored(EventType type) {
        ignored.merge(type, 1, Integer::sum);
    }

    @Override
    public void summaryEmitted() {
        summaries++;
    }

    @Override
    public void alertChanged(AlertStatus status) {
        alerts.merge(status, 1, Integer::sum);
    }
}
