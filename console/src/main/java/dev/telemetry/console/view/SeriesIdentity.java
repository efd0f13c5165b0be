package dev.telemetry.console.view;

import java.time.Instant;
import java.util.Map;

/** A kept series without its windows: what the metrics catalogue lists. */
public record SeriesIdentity(String app, String metric, String series, Map<String, String> labels, int windows,
                             Instant latestEnd) {

    public SeriesIdentity {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
