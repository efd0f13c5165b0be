package dev.telemetry.processor.window;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.processor.rules.EventAlerts;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.stage.ProcessorSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * One {@code cardinality_limit} alert (a warning: {@code medium} in the seed's four levels) per app and window, on the first observation a cardinality cap
 * turned away in that window. Input: the overflow observations keyed by app, after the repartition that brings all
 * of an app's overflow to one task (so the app gets one alert, not one per task that crossed its share); output:
 * alerts for {@code telemetry.alerts}. The store keeps, per app, the start of the last window alerted: one entry per
 * app, so it stays as small as the list of ingest keys. An overflow of an older window arriving after a newer one
 * (tasks run at their own pace) is not alerted again: the app's storm was already reported.
 */
public final class CardinalityAlertsProcessor implements Processor<String, SeriesObservation, String, AlertEvent> {

    static final String STORE = "cardinality-alerts";
    static final String ALERT = "cardinality_limit";

    private final long windowSize;
    private ProcessorContext<String, AlertEvent> context;
    private KeyValueStore<String, Long> alerted;

    private CardinalityAlertsProcessor(long windowSize) {
        this.windowSize = windowSize;
    }

    public static ProcessorSupplier<String, SeriesObservation, String, AlertEvent> supplier(ProcessorSettings settings) {
        long size = settings.windowSize().toMillis();
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, SeriesObservation, String, AlertEvent> get() {
                return new CardinalityAlertsProcessor(size);
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(settings.stateStores().keyValueStore(STORE, Serdes.String(),
                        Serdes.Long()));
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, AlertEvent> context) {
        this.context = context;
        this.alerted = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, SeriesObservation> record) {
        SeriesObservation overflow = record.value();
        if (overflow == null) {
            return;
        }
        long windowStart = record.timestamp() - Math.floorMod(record.timestamp(), windowSize);
        Long last = alerted.get(overflow.app());
        if (last != null && last >= windowStart) {
            return;
        }
        alerted.put(overflow.app(), windowStart);
        String reason = overflow.labels().getOrDefault(SeriesAdmission.REASON_LABEL,
                SeriesAdmission.Reason.MAX_SERIES_PER_METRIC.wireName());
        String series = overflow.labels().containsKey(SeriesAdmission.REASON_LABEL) ? "" : " of " + overflow.metric();
        AlertEvent alert = EventAlerts.firing(ALERT, "series", overflow.app(), Map.of(), 1, 0, Operator.GT,
                Severity.MEDIUM, List.of(),
                Map.of("summary", "Too many series" + series + " in one window (" + reason + "): new ones go to "
                                + overflow.series() + " until the window closes",
                        "reason", reason,
                        "window_start", Instant.ofEpochMilli(windowStart).toString()),
                Instant.ofEpochMilli(record.timestamp()));
        context.forward(new Record<>(alert.fingerprint(), alert, record.timestamp()));
    }
}
