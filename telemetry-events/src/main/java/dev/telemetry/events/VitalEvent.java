package dev.telemetry.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.telemetry.events.validation.FieldReader;
import dev.telemetry.events.validation.Names;
import java.util.List;
import java.util.Set;

/**
 * A web vital or custom timing from the seed's {@code sendToAnalytics(metric)} or the
 * {@code web-vitals} library's Metric object ({@code entries} is not kept: it is unbounded DOM data).
 *
 * @param attribution what the attribution build says caused the value, or null (see {@link VitalAttribution})
 * @param formFactor  {@code phone}, {@code tablet} or {@code desktop} as the client said, or as the gateway derived
 *                    it from the request's headers when the client did not; null when neither knows
 * @param connection  the browser's {@code navigator.connection.effectiveType}, or null
 * The three are left out of the JSON when null, so a vital without them is written as before they existed.
 */
public record VitalEvent(String name, double value, String id, String navigationType, String rating,
                         Double delta, String page, String url, Long timestamp,
                         @JsonInclude(JsonInclude.Include.NON_NULL) VitalAttribution attribution,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String formFactor,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String connection) implements TelemetryEvent {

    /** Vitals that can never be negative; CLS is a score, the others are durations. */
    private static final Set<String> NON_NEGATIVE = Set.of("CLS", "LCP", "INP", "FID", "FCP", "TTFB", "TTI");
    private static final Set<String> RATINGS = Set.of("good", "needs-improvement", "poor");
    /** CrUX's form factors. */
    public static final List<String> FORM_FACTORS = List.of("phone", "tablet", "desktop");
    /** The values of the Network Information API's {@code effectiveType}. */
    public static final List<String> CONNECTIONS = List.of("slow-2g", "2g", "3g", "4g");

    /** A vital as clients sent it before attribution, form factor and connection existed. */
    public VitalEvent(String name, double value, String id, String navigationType, String rating,
                      Double delta, String page, String url, Long timestamp) {
        this(name, value, id, navigationType, rating, delta, page, url, timestamp, null, null, null);
    }

    @Override
    public EventType eventType() {
        return EventType.VITAL;
    }

    @Override
    public String seriesKey() {
        return name;
    }

    /** This vital with {@code derived} as its form factor unless the client named one. */
    public VitalEvent withDerivedFormFactor(String derived) {
        if (formFactor != null || derived == null) {
            return this;
        }
        return new VitalEvent(name, value, id, navigationType, rating, delta, page, url, timestamp, attribution,
                derived, connection);
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
        FieldReader attributionFields = r.optionalNested("attribution");
        VitalAttribution attribution = attributionFields == null ? null : VitalAttribution.read(attributionFields, name);
        String formFactor = r.optionalOneOf("formFactor", FORM_FACTORS);
        String connection = r.optionalOneOf("connection", CONNECTIONS);
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
        return new VitalEvent(name, value, id, navigationType, rating, delta, page, url, timestamp,
                attribution, formFactor, connection);
    }
}
