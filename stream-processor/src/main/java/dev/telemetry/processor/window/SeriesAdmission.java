package dev.telemetry.processor.window;

import dev.telemetry.events.SeriesKeys;
import dev.telemetry.processor.stage.CardinalityCaps;
import java.util.Map;
import java.util.function.IntSupplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's {@linkplain CardinalityCaps cardinality caps}: decides, for the first observation of a series in a
 * window, whether the series gets a window of its own or its values go to an overflow series. It counts in a
 * store of the window processor (changelogged, cleared as windows close), per window:
 * {@code app|metric} → label sets of the metric (its presence: the name is known), {@code app NUL metrics} →
 * distinct names, {@code app NUL series} → series. NUL cannot occur in names (their grammar) or apps.
 *
 * <p>The per-app caps are shared out over the tasks ({@link CardinalityCaps#share}); the per-metric cap is per
 * task, as a metric's label sets usually sit on one partition or spread evenly.
 */
final class SeriesAdmission {

    static final String OVERFLOW_METRIC = "overflow";
    static final String OVERFLOW_LABEL = "overflow";
    static final String REASON_LABEL = "reason";

    /** Why an observation went to an overflow series: the label value and the counter's {@code reason}. */
    enum Reason {
        MAX_METRICS_PER_APP("max_metrics_per_app"),
        MAX_SERIES_PER_APP("max_series_per_app"),
        MAX_SERIES_PER_METRIC("max_series_per_metric");

        private final String wireName;

        Reason(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }
    }

    /** An observation turned away, as the overflow series it now feeds, and why. */
    record Overflow(SeriesObservation observation, Reason reason) {
    }

    private final KeyValueStore<Bytes, Long> counts;
    private final CardinalityCaps caps;
    private final IntSupplier tasks;

    SeriesAdmission(KeyValueStore<Bytes, Long> counts, CardinalityCaps caps, IntSupplier tasks) {
        this.counts = counts;
        this.caps = caps;
        this.tasks = tasks;
    }

    /**
     * {@code null} when {@code observation}'s series, new in the window starting at {@code windowStart}, is admitted
     * (and counted); otherwise the overflow series its value goes to instead.
     */
    Overflow admit(long windowStart, SeriesObservation observation) {
        int taskCount = tasks.getAsInt();
        Bytes metricKey = WindowStoreKey.of(windowStart, observation.app() + "|" + observation.metric());
        Bytes namesKey = WindowStoreKey.of(windowStart, observation.app() + "\u0000metrics");
        Bytes seriesKey = WindowStoreKey.of(windowStart, observation.app() + "\u0000series");
        Long labelSets = counts.get(metricKey);
        long names = 0;
        if (labelSets == null) {
            names = count(namesKey);
            if (names >= CardinalityCaps.share(caps.maxMetricsPerApp(), taskCount)) {
                return appOverflow(observation, Reason.MAX_METRICS_PER_APP);
            }
        }
        long series = count(seriesKey);
        if (series >= CardinalityCaps.share(caps.maxSeriesPerApp(), taskCount)) {
            return appOverflow(observation, Reason.MAX_SERIES_PER_APP);
        }
        if (labelSets != null && labelSets >= caps.maxSeriesPerMetric()) {
            Map<String, String> labels = Map.of(OVERFLOW_LABEL, "true");
            return new Overflow(new SeriesObservation(observation.source(), observation.app(), observation.metric(),
                    SeriesKeys.format(observation.metric(), labels), labels, observation.value()), Reason.MAX_SERIES_PER_METRIC);
        }
        counts.put(metricKey, labelSets == null ? 1 : labelSets + 1);
        if (labelSets == null) {
            counts.put(namesKey, names + 1);
        }
        counts.put(seriesKey, series + 1);
        return null;
    }

    private long count(Bytes key) {
        Long count = counts.get(key);
        return count == null ? 0 : count;
    }

    private static Overflow appOverflow(SeriesObservation observation, Reason reason) {
        Map<String, String> labels = Map.of(REASON_LABEL, reason.wireName());
        return new Overflow(new SeriesObservation(observation.source(), observation.app(), OVERFLOW_METRIC,
                SeriesKeys.format(OVERFLOW_METRIC, labels), labels, observation.value()), reason);
    }
}
