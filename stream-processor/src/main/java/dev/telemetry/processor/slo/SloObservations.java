package dev.telemetry.processor.slo;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.processor.slo.spec.Sli;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.processor.window.SeriesObservations;
import dev.telemetry.processor.window.VitalRatings;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;

/**
 * Decides which SLOs a raw event counts towards, and how: each match is a {@link SloCount} keyed
 * {@code <slo>|<app>}, the key the SLO's windows are kept under. Pure, so the rules are tested without Kafka.
 * <ul>
 *   <li>availability: a request (of the endpoint, if the SLI names one) is good when its status is below 500;</li>
 *   <li>latency: a request is good when its {@code durationMs} is at most the threshold;</li>
 *   <li>vital: a vital of the name (and page, if named) is good when rated "good": the client's rating, else
 *       Google's thresholds; an unrated vital without a rating is not counted;</li>
 *   <li>synthetic: a result of the check is good when it succeeded;</li>
 *   <li>ratio: a metric named {@code good} adds its value to good, one named {@code total} to total; negative values
 *       are not counted.</li>
 * </ul>
 */
public final class SloObservations {

    private final List<Slo> slos;

    public SloObservations(List<Slo> slos) {
        this.slos = List.copyOf(slos);
    }

    /** The key an SLO's counts for an app are kept and repartitioned under. */
    public static String key(String slo, String app) {
        return slo + "|" + app;
    }

    /** The SLO name of a {@link #key}: names have no {@code |}, apps may. */
    public static String sloOf(String key) {
        return key.substring(0, key.indexOf('|'));
    }

    /** The app of a {@link #key}. */
    public static String appOf(String key) {
        return key.substring(key.indexOf('|') + 1);
    }

    /** What {@code envelope} adds to each SLO it counts towards; empty for most events when few SLOs are set. */
    public List<KeyValue<String, SloCount>> of(Envelope envelope) {
        if (envelope == null || slos.isEmpty()) {
            return List.of();
        }
        List<KeyValue<String, SloCount>> counts = null;
        for (Slo slo : slos) {
            if (slo.app() != null && !slo.app().equals(envelope.app())) {
                continue;
            }
            SloCount count = count(slo.sli(), envelope.event());
            if (count != null) {
                if (counts == null) {
                    counts = new ArrayList<>(2);
                }
                counts.add(KeyValue.pair(key(slo.name(), envelope.app()), count));
            }
        }
        return counts == null ? List.of() : counts;
    }

    /** What the event adds to an SLO with this SLI, or null when it does not count towards it. */
    static SloCount count(Sli sli, TelemetryEvent event) {
        switch (sli.type()) {
            case AVAILABILITY:
                if (event instanceof RequestEvent request && endpointMatches(sli, request)) {
                    return event(request.status() < 500);
                }
                return null;
            case LATENCY:
                if (event instanceof RequestEvent request && endpointMatches(sli, request)) {
                    return event(request.durationMs() <= sli.threshold().toMillis());
                }
                return null;
            case VITAL:
                if (event instanceof VitalEvent vital && sli.name().equals(vital.name()) && pageMatches(sli, vital)) {
                    if (vital.rating() != null) {
                        return event("good".equals(vital.rating()));
                    }
                    return VitalRatings.rated(vital.name())
                            ? event(VitalRatings.of(vital.name(), vital.value()) == VitalRatings.GOOD) : null;
                }
                return null;
            case SYNTHETIC:
                if (event instanceof SyntheticEvent synthetic && sli.check().equals(synthetic.check())) {
                    return event(synthetic.success());
                }
                return null;
            case RATIO:
                if (event instanceof MetricEvent metric && metric.value() >= 0) {
                    if (sli.good().equals(metric.name())) {
                        return new SloCount(metric.value(), 0);
                    }
                    if (sli.total().equals(metric.name())) {
                        return new SloCount(0, metric.value());
                    }
                }
                return null;
            default:
                throw new IllegalStateException("unknown SLI type " + sli.type());
        }
    }

    private static SloCount event(boolean good) {
        return good ? GOOD : BAD;
    }

    private static final SloCount GOOD = new SloCount(1, 1);
    private static final SloCount BAD = new SloCount(0, 1);

    private static boolean endpointMatches(Sli sli, RequestEvent request) {
        return sli.endpoint() == null || sli.endpoint().equals(request.endpoint());
    }

    private static boolean pageMatches(Sli sli, VitalEvent vital) {
        if (sli.page() == null) {
            return true;
        }
        String page = vital.page() != null && !vital.page().isBlank() ? vital.page()
                : SeriesObservations.pathOf(vital.url());
        return sli.page().equals(page);
    }
}
