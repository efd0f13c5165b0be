package dev.telemetry.processor.window;

import dev.telemetry.processor.audit.Fate;
import java.util.List;

/**
 * What one raw record brings to the window aggregation: the series values of its event, all at the record's time.
 * The main aggregation takes them one record at a time, so that it can count what it did with each record (see
 * {@link dev.telemetry.processor.audit.AuditLedger}); a record that feeds no series by design or could not be read
 * comes with its fate decided.
 *
 * @param app          the event's app (for a poison record, its key's)
 * @param fate         decided before the aggregation ({@link Fate#DEAD_LETTERED}, {@link Fate#NOT_SUMMARISED}), or
 *                     null: the aggregation decides
 * @param observations the event's series values; empty when it measures nothing
 */
public record RecordObservations(String app, Fate fate, List<SeriesObservation> observations) {

    public RecordObservations {
        observations = observations == null ? List.of() : observations;
    }

    public static RecordObservations of(String app, List<SeriesObservation> observations) {
        return new RecordObservations(app, null, observations);
    }

    /** One observation from a repartition topic: the aggregation there counts no records. */
    public static RecordObservations of(SeriesObservation observation) {
        return new RecordObservations(observation.app(), null, List.of(observation));
    }

    public static RecordObservations decided(String app, Fate fate) {
        return new RecordObservations(app, fate, List.of());
    }
}
