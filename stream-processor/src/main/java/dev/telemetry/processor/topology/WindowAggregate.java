package dev.telemetry.processor.topology;

import dev.telemetry.events.derived.Summary;
import java.time.Instant;
import java.util.Map;

/** The running statistics of one series in one open window, as kept in the window store. */
record WindowAggregate(String app, String metric, String series, Map<String, String> labels, long count, double sum,
                       double min, double max) {

    WindowAggregate {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    static WindowAggregate first(SeriesObservation o) {
        return new WindowAggregate(o.app(), o.metric(), o.series(), o.labels(), 1, o.value(), o.value(), o.value());
    }

    WindowAggregate add(double value) {
        return new WindowAggregate(app, metric, series, labels, count + 1, sum + value, Math.min(min, value),
                Math.max(max, value));
    }

    Summary toSummary(Instant windowStart, Instant windowEnd) {
        return new Summary(Summary.SCHEMA_VERSION, app, metric, series, labels, windowStart, windowEnd, count, sum, min,
                max, sum / count);
    }
}
