package dev.telemetry.processor.window;

import dev.telemetry.events.ActionEvent;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.EventType;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.SeriesKeys;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.VitalAttribution;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.errors.ErrorFingerprint;
import dev.telemetry.events.errors.ReportedErrors;
import dev.telemetry.processor.errors.ErrorClassification;
import dev.telemetry.processor.errors.ErrorClassifier;
import dev.telemetry.processor.stage.Detection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides which series an event feeds, and with which value:
 * <ul>
 *   <li>custom metric → its name and tags ({@code checkout_ms{region=eu}}), value as sent;</li>
 *   <li>web vital or feature timing ({@code feature-<name>}) → its name per page ({@code LCP{page=/checkout}}),
 *       the page from {@code page}, else the path of {@code url}; without either, one series for the app; with an
 *       attribution, also the parts of an LCP or INP per page ({@code lcp_resource_load_delay{page=/checkout}}, see
 *       {@link #LCP_SUBPARTS} and {@link #INP_SUBPARTS}); with a form factor, also per page and form factor
 *       ({@code FCP{formFactor=phone,page=/checkout}}; LCP's, INP's and CLS's are {@link #byFormFactor}'s);</li>
 *   <li>user action → {@code action-<name>}, value = its duration;</li>
 *   <li>page load ({@code page_load}, as a metric or vital) → also {@code slow_page_load}: 1 above the slow
 *       threshold (the seed's {@code detectPerformanceIssue}, 3 s), else 0, so its sum counts slow loads;</li>
 *   <li>served request → {@code response_time{endpoint}} (its duration) and {@code endpoint_error_rate{endpoint}}
 *       (1 for status ≥ 500, else 0: the window's mean is the endpoint's error rate); the app's
 *       {@code error_rate} (no labels) comes from {@link #appErrorRate}, see below;</li>
 *   <li>synthetic check → {@code synthetic_availability{check}} (1 success, 0 failure: the mean is the
 *       availability), {@code synthetic_duration{check}}, and, when the prober sends it,
 *       {@code synthetic_consecutive_failures{check}} (failed runs in a row: the max is the longest streak);</li>
 *   <li>error (including the {@code Server Error} the gateway adds for a network error with status ≥ 500, as the
 *       seed does) → {@code errors{category,fingerprint,severity,type}}, value 1: the count per fingerprint.</li>
 * </ul>
 * Feedback and security events feed no series. Input: envelopes from the raw topics; output: observations
 * for the window aggregation. Every series of {@link #of} stays inside its raw topic's key (app + series
 * identity, or a coarser one), so it needs no repartition. The one exception is the app's {@code error_rate}:
 * it spans all endpoints, whose requests the raw topic spreads over partitions by {@code app|endpoint}, so the
 * topology re-keys {@link #appErrorRate}'s values by app and repartitions them before aggregating.
 */
public final class SeriesObservations {

    static final String PAGE_LOAD = "page_load";
    static final String SLOW_PAGE_LOAD = "slow_page_load";
    static final String RESPONSE_TIME = "response_time";
    /** Per app and window, over all its endpoints: the series the seed's {@code error_rate > 0.05} rule means. */
    static final String ERROR_RATE = "error_rate";
    static final String ENDPOINT_ERROR_RATE = "endpoint_error_rate";
    static final String SYNTHETIC_AVAILABILITY = "synthetic_availability";
    static final String SYNTHETIC_DURATION = "synthetic_duration";
    static final String SYNTHETIC_CONSECUTIVE_FAILURES = "synthetic_consecutive_failures";
    static final String ERRORS = "errors";
    static final String PAGE = "page";
    /** The label of the per page and form factor series; see {@link #byFormFactor}. */
    public static final String FORM_FACTOR = "formFactor";
    /** The Core Web Vitals: their series per page and form factor are {@link #byFormFactor}'s. */
    public static final Set<String> ASSESSED = Set.of("LCP", "INP", "CLS");
    /** LCP's parts in the attribution build's order: TTFB, resource load delay, load duration, render delay. */
    public static final List<String> LCP_SUBPARTS = List.of("lcp_time_to_first_byte", "lcp_resource_load_delay",
            "lcp_resource_load_duration", "lcp_element_render_delay");
    /** INP's parts: input delay, processing (the event handlers), presentation delay. */
    public static final List<String> INP_SUBPARTS = List.of("inp_input_delay", "inp_processing_duration",
            "inp_presentation_delay");

    private final double slowPageLoadMs;
    private final ErrorClassifier classifier;

    public SeriesObservations(Detection detection) {
        this.slowPageLoadMs = detection.slowPageLoadMs();
        this.classifier = new ErrorClassifier(detection.errorRules());
    }

    public List<SeriesObservation> of(Envelope envelope) {
        TelemetryEvent event = envelope.event();
        if (event instanceof MetricEvent metric) {
            return withPageLoad(envelope, metric.name(), metric.tags(), metric.value());
        }
        if (event instanceof VitalEvent vital) {
            String page = pageOf(vital);
            Map<String, String> labels = page == null ? Map.of() : Map.of(PAGE, page);
            List<SeriesObservation> found = withPageLoad(envelope, vital.name(), labels, vital.value());
            if (page != null && vital.formFactor() != null && !ASSESSED.contains(vital.name())) {
                found = new ArrayList<>(found);
                found.add(observation(envelope, vital.name(), Map.of(PAGE, page, FORM_FACTOR, vital.formFactor()),
                        vital.value()));
            }
            return vital.attribution() == null ? found : withSubparts(envelope, vital, labels, found);
        }
        if (event instanceof ActionEvent action) {
            return List.of(observation(envelope, action.seriesKey(), Map.of(), action.duration()));
        }
        if (event instanceof RequestEvent request) {
            Map<String, String> labels = Map.of("endpoint", request.endpoint());
            return List.of(observation(envelope, RESPONSE_TIME, labels, request.durationMs()),
                    observation(envelope, ENDPOINT_ERROR_RATE, labels, serverErrorShare(request)));
        }
        if (event instanceof SyntheticEvent synthetic) {
            Map<String, String> labels = Map.of("check", synthetic.check());
            List<SeriesObservation> found = new ArrayList<>(3);
            found.add(observation(envelope, SYNTHETIC_AVAILABILITY, labels, synthetic.success() ? 1 : 0));
            if (synthetic.durationMs() != null) {
                found.add(observation(envelope, SYNTHETIC_DURATION, labels, synthetic.durationMs()));
            }
            if (synthetic.consecutiveFailures() != null) {
                // Only the prober counts streaks; the seed's script does not, and gets no such series.
                found.add(observation(envelope, SYNTHETIC_CONSECUTIVE_FAILURES, labels, synthetic.consecutiveFailures()));
            }
            return found;
        }
        ErrorEvent error = ReportedErrors.asError(event);
        if (error != null) {
            ErrorClassification classification = classifier.classify(error.message());
            String type = error.type() == null ? "Error" : error.type();
            return List.of(observation(envelope, ERRORS, Map.of(
                    "fingerprint", ErrorFingerprint.of(error.type(), error.message(), error.stack()),
                    "type", type,
                    "category", classification.category(),
                    "severity", classification.severity().wireName()), 1));
        }
        return List.of();
    }

    /**
     * The request's contribution to its app's {@code error_rate} (1 for status ≥ 500, else 0), or null for any
     * other event. Only the value: the topology keys it by app for the repartition, and {@link #appErrorRate(String,
     * double)} turns it back into an observation on the other side.
     */
    public static Double appErrorRate(Envelope envelope) {
        return envelope != null && envelope.event() instanceof RequestEvent request ? serverErrorShare(request) : null;
    }

    /** The observation of the app's {@code error_rate} series (no labels) for a value of {@link #appErrorRate(Envelope)}. */
    public static SeriesObservation appErrorRate(String app, double value) {
        return new SeriesObservation(EventType.REQUEST, app, ERROR_RATE, SeriesKeys.format(ERROR_RATE, Map.of()),
                Map.of(), value);
    }

    private static double serverErrorShare(RequestEvent request) {
        return request.status() >= 500 ? 1 : 0;
    }

    /**
     * An LCP's, INP's or CLS's series per page and form factor ({@code LCP{formFactor=phone,page=/checkout}}), or null
     * for any other event and when it names no form factor or no page. Not part of {@link #of}: these series are
     * aggregated after a repartition by app and page, where a page's LCP, INP and CLS (spread by the raw topic's key
     * app|vital over partitions) meet, so that a window's Core Web Vitals assessment can be made from them. The other
     * vitals' series per page and form factor need no repartition: {@link #of} has them.
     */
    public static SeriesObservation byFormFactor(Envelope envelope) {
        if (!(envelope.event() instanceof VitalEvent vital) || vital.formFactor() == null
                || !ASSESSED.contains(vital.name())) {
            return null;
        }
        String page = pageOf(vital);
        if (page == null) {
            return null;
        }
        return observation(envelope, vital.name(), Map.of(PAGE, page, FORM_FACTOR, vital.formFactor()), vital.value());
    }

    /** The page label of a vital: its {@code page}, else the path of its {@code url}; null without either. */
    public static String pageOf(VitalEvent vital) {
        return vital.page() != null && !vital.page().isBlank() ? vital.page() : pathOf(vital.url());
    }

    /**
     * {@code found} plus one observation per part of an LCP or INP that its attribution splits
     * ({@link #LCP_SUBPARTS}, {@link #INP_SUBPARTS}), per page: the window's p75 of each shows which part grew.
     */
    private static List<SeriesObservation> withSubparts(Envelope envelope, VitalEvent vital, Map<String, String> labels,
                                                        List<SeriesObservation> found) {
        VitalAttribution a = vital.attribution();
        Map<String, Double> parts = switch (vital.name()) {
            case "LCP" -> parts(LCP_SUBPARTS, a.timeToFirstByte(), a.resourceLoadDelay(), a.resourceLoadDuration(),
                    a.elementRenderDelay());
            case "INP" -> parts(INP_SUBPARTS, a.inputDelay(), a.processingDuration(), a.presentationDelay());
            default -> Map.of();
        };
        if (parts.isEmpty()) {
            return found;
        }
        List<SeriesObservation> all = new ArrayList<>(found.size() + parts.size());
        all.addAll(found);
        parts.forEach((metric, value) -> all.add(observation(envelope, metric, labels, value)));
        return all;
    }

    /** The parts that were sent, by series name, in {@code names}' order. */
    private static Map<String, Double> parts(List<String> names, Double... values) {
        Map<String, Double> parts = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                parts.put(names.get(i), values[i]);
            }
        }
        return parts;
    }

    private List<SeriesObservation> withPageLoad(Envelope envelope, String metric, Map<String, String> labels,
                                                 double value) {
        SeriesObservation observation = observation(envelope, metric, labels, value);
        if (!PAGE_LOAD.equals(metric)) {
            return List.of(observation);
        }
        return List.of(observation, observation(envelope, SLOW_PAGE_LOAD, labels, value > slowPageLoadMs ? 1 : 0));
    }

    private static SeriesObservation observation(Envelope envelope, String metric, Map<String, String> labels,
                                                 double value) {
        return new SeriesObservation(envelope.type(), envelope.app(), metric, SeriesKeys.format(metric, labels), labels, value);
    }

    /**
     * The path of a page URL, without query and fragment: they carry ids and tokens that would make
     * every visit its own series. Null when there is no URL.
     */
    public static String pathOf(String url) {
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
