package dev.telemetry.events;

import dev.telemetry.events.validation.FieldReader;
import java.util.Map;

/** A custom metric from the seed's {@code PerformanceMetrics.sendMetric}: {@code {name, value, timestamp}} plus optional tags. */
public record MetricEvent(String name, double value, Long timestamp, Map<String, String> tags) implements TelemetryEvent {

    public MetricEvent {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    @Override
    public EventType eventType() {
        return EventType.METRIC;
    }

    /** Name plus sorted tags, so {@code {a:1,b:2}} and {@code {b:2,a:1}} are one series. */
    @Override
    public String seriesKey() {
        return SeriesKeys.format(name, tags);
    }

    public static MetricEvent read(FieldReader r) {
        String name = r.requiredName("name");
        double value = r.requiredNumber("value");
        Long timestamp = r.optionalTimestamp("timestamp");
        Map<String, String> tags = r.optionalTags("tags");
        return new MetricEvent(name, value, timestamp, tags);
    }
}
