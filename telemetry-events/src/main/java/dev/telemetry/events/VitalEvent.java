package dev.telemetry.events;

import dev.telemetry.events.validation.FieldReader;
import dev.telemetry.events.validation.Names;
import java.util.Set;

/**
 * A web vital or custom timing from the seed's {@code sendToAnalytics(metric)} or the
 * {@code web-vitals} library's Metric object ({@code entries} is not kept: it is unbounded DOM data).
 */
public record VitalEvent(String name, double value, String id, String navigationType, String rating,
                         Double delta, String page, String url, Long timestamp) implements TelemetryEvent {

    /** Vitals that can never be negative; CLS is a score, the others are durations. */
    private static final Set<String> NON_NEGATIVE = Set.of("CLS", "LCP", "INP", "FID", "FCP", "TTFB", "TTI");
    private static final Set<String> RATINGS = Set.of("good", "needs-improvement", "poor");

    @Override
    public EventType eventType() {
        return EventType.VITAL;
    }

    @Override
    public String seriesKey() {
        return name;
    }

    public static VitalEvent read(FieldReader r) {
        int n = r.limits().nameLength();
        String name = r.requiredString("name", n);
        double value = r.requiredNumber("value");
        String id = r.requiredString("id", n);
        String navigationType = r.optionalString("navigationType", n);
        String rating = r.optionalString("rating", n);
        Double delta = r.optionalNumber("delta");
        String page = r.optionalString("page", n);
        String url = r.optionalString("url", n);
        Long timestamp = r.optionalTimestamp("timestamp");
        if (name != null && !name.isBlank()) {
            r.check(Names.isVitalName(name), "name", Names.VITAL_RULE);
        }
        if (name != null && NON_NEGATIVE.contains(name)) {
            r.check(value >= 0, "value", "must not be negative for " + name);
        }
        if (name != null && name.startsWith(Names.FEATURE_PREFIX)) {
            r.check(value >= 0, "value", "a duration must not be negative");
        }
        if (rating != null) {
            r.check(RATINGS.contains(rating), "rating", "must be one of " + RATINGS);
        }
        return new VitalEvent(name, value, id, navigationType, rating, delta, page, url, timestamp);
    }
}
