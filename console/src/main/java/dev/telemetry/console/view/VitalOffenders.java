package dev.telemetry.console.view;

import java.time.Instant;
import java.util.List;

/**
 * One record of {@code telemetry.vitals-attribution} (issue 19, item D; key {@code app|page|vital}): for one app, page,
 * vital (LCP, INP, CLS) and closed window with at least one poor vital carrying an attribution target, how many there
 * were ({@code poorCount}) and the top targets by count. A local copy of the processor's record, as {@link Delivery}
 * is of the sink's: unknown fields are ignored. {@code page} is "" for vitals without a page or URL.
 */
public record VitalOffenders(int schemaVersion, String app, String page, String vital, Instant windowStart,
                             Instant windowEnd, long poorCount, List<Offender> offenders) {

    public VitalOffenders {
        offenders = offenders == null ? List.of() : offenders.stream().filter(o -> o != null && o.target() != null).toList();
    }

    /**
     * One target: {@code count} is a Space-Saving estimate (never below the true count), {@code maxOvercount} its
     * error bound (0: exact), {@code p75} the 75th percentile of its poor vitals' values in the window.
     */
    public record Offender(String target, long count, long maxOvercount, Double p75) {
    }

    /** app, page and vital: what one series of these records is. */
    public String key() {
        return app + "\u0000" + page + "\u0000" + vital;
    }
}
