package dev.telemetry.processor.window;

import dev.telemetry.events.EventType;
import java.util.Map;

/**
 * One value of one series, taken from one event: what the window aggregation adds up.
 *
 * @param source the kind of event it came from (for accounting)
 * @param metric what is measured, e.g. {@code LCP}, {@code checkout_ms}, {@code action-checkout}
 * @param series the series identity inside the app: metric plus sorted labels
 * @param labels the series' labels, without {@code app}
 */
public record SeriesObservation(EventType source, String app, String metric, String series, Map<String, String> labels,
                         double value) {

    public SeriesObservation {
        labels = Map.copyOf(labels);
    }

    /** Whether the window counts this series' values by Google's vital ratings. */
    boolean rated() {
        return source == EventType.VITAL && VitalRatings.rated(metric);
    }

    /** App and series: the identity windows are kept under, equal to {@link dev.telemetry.events.derived.Summary#key()}. */
    String seriesId() {
        return app + "|" + series;
    }
}
