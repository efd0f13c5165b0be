package dev.telemetry.processor.topology;

import dev.telemetry.events.ActionEvent;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.SeriesKeys;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.VitalEvent;
import java.util.List;
import java.util.Map;

/**
 * Decides which series an event feeds, and with which value:
 * <ul>
 *   <li>custom metric → its name and tags ({@code checkout_ms{region=eu}}), value as sent;</li>
 *   <li>web vital → its name per page ({@code LCP{page=/checkout}}), the page from {@code page}, else the
 *       path of {@code url}; without either, one series for the whole app;</li>
 *   <li>user action → {@code action-<name>}, value = its duration.</li>
 * </ul>
 * Other events feed no series yet and yield nothing. Input: envelopes from {@code telemetry.metrics},
 * {@code telemetry.vitals} and {@code telemetry.actions}; output: observations for the window aggregation.
 */
final class SeriesObservations {

    private SeriesObservations() {
    }

    static List<SeriesObservation> of(Envelope envelope) {
        TelemetryEvent event = envelope.event();
        if (event instanceof MetricEvent metric) {
            return List.of(observation(envelope, metric.name(), metric.tags(), metric.value()));
        }
        if (event instanceof VitalEvent vital) {
            String page = vital.page() != null && !vital.page().isBlank() ? vital.page() : pathOf(vital.url());
            Map<String, String> labels = page == null ? Map.of() : Map.of("page", page);
            return List.of(observation(envelope, vital.name(), labels, vital.value()));
        }
        if (event instanceof ActionEvent action) {
            return List.of(observation(envelope, action.seriesKey(), Map.of(), action.duration()));
        }
        return List.of();
    }

    private static SeriesObservation observation(Envelope envelope, String metric, Map<String, String> labels,
                                                 double value) {
        return new SeriesObservation(envelope.type(), envelope.app(), metric, SeriesKeys.format(metric, labels), labels, value);
    }

    /**
     * The path of a page URL, without query and fragment: they carry ids and tokens that would make
     * every visit its own series. Null when there is no URL.
     */
    static String pathOf(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String withoutQuery = url.split("[?#]", 2)[0];
        int scheme = withoutQuery.indexOf("://");
        if (scheme < 0) {
            return withoutQuery.isEmpty() ? "/" : withoutQuery;
        }
        int slash = withoutQuery.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : withoutQuery.substring(slash);
    }
}
