package dev.telemetry.rulelab.replay;

import dev.telemetry.events.EventType;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.processor.stage.ProcessorMetrics;
import java.util.EnumMap;
import java.util.Map;

/** The processor's counters for one lab run, in memory: what a run dropped as late or ignored is reported. */
public final class LabMetrics implements ProcessorMetrics {

    private final Map<EventType, Long> late = new EnumMap<>(EventType.class);
    private final Map<EventType, Long> ignored = new EnumMap<>(EventType.class);
    private long summaries;
    private long failed;

    @Override
    public synchronized void lateRecordDropped(EventType type) {
        late.merge(type, 1L, Long::sum);
    }

    @Override
    public synchronized void recordIgnored(EventType type) {
        ignored.merge(type, 1L, Long::sum);
    }

    @Override
    public synchronized void summaryEmitted() {
        summaries++;
    }

    @Override
    public void seriesOverflowed(String app, String reason) {
    }

    @Override
    public void findingEmitted(String finding) {
    }

    @Override
    public synchronized void recordFailed() {
        failed++;
    }

    @Override
    public void alertChanged(AlertStatus status) {
    }

    /** Events dropped because their window had closed, by kind. */
    public synchronized Map<EventType, Long> lateDropped() {
        return Map.copyOf(late);
    }

    /** Events of kinds that feed no series, by kind. */
    public synchronized Map<EventType, Long> ignored() {
        return Map.copyOf(ignored);
    }

    /** Closed windows summarised (one per series and window). */
    public synchronized long summaries() {
        return summaries;
    }

    /** Records the topology could not process (skipped, as the processor skips them). */
    public synchronized long failed() {
        return failed;
    }
}
