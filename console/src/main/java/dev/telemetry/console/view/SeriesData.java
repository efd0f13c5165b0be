package dev.telemetry.console.view;

import java.util.List;
import java.util.Map;

/** One series and its windows, oldest first, as the API answers it. */
public record SeriesData(String app, String metric, String series, Map<String, String> labels, List<WindowStats> windows) {

    public SeriesData {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        windows = List.copyOf(windows);
    }
}
