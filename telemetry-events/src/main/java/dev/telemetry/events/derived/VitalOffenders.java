package dev.telemetry.events.derived;

import java.time.Instant;
import java.util.List;

/**
 * The elements behind one app's poor web vitals on one page in one closed window, on
 * {@code telemetry.vitals-attribution} (key: {@code <app>|<page>|<vital>}): one record per app, page, vital (LCP, INP,
 * CLS) and window that had at least one poor vital of that name carrying an attribution target. "Poor" is the
 * processor's own rating of the value (Google's thresholds), not the client's {@code rating}; the target is the
 * attribution's {@code target} (LCP), {@code interactionTarget} (INP) or {@code largestShiftTarget} (CLS).
 *
 * @param page      the page label the summaries use: the vital's {@code page}, else the path of its {@code url};
 *                  {@code ""} when it has neither
 * @param poorCount the window's poor vitals of this name with a target, all of them (tracked or not)
 * @param offenders the top targets by {@link Offender#count()}, most first, ties by target; at most the processor's
 *                  configured top N
 */
public record VitalOffenders(int schemaVersion, String app, String page, String vital, Instant windowStart,
                             Instant windowEnd, long poorCount, List<Offender> offenders) {

    public static final int SCHEMA_VERSION = 1;

    /**
     * One target (a CSS selector) and its poor vitals in the window, as a Space-Saving heavy-hitters sketch counts
     * them.
     *
     * @param count        the estimate of the target's poor vitals: never below the true count
     * @param maxOvercount how far {@code count} may exceed the true count ({@code count - maxOvercount} is a lower
     *                     bound); 0 when the count is exact
     * @param p75          the 75th percentile of the target's poor values (ms for LCP and INP, a score for CLS) while it
     *                     was tracked: all of them when {@code maxOvercount} is 0
     */
    public record Offender(String target, long count, long maxOvercount, double p75) {
    }

    public VitalOffenders {
        offenders = offenders == null ? List.of() : List.copyOf(offenders);
    }

    /** The Kafka key: app, page and vital. */
    public String key() {
        return key(app, page, vital);
    }

    /** The Kafka key of {@code app}'s {@code vital} on {@code page}. */
    public static String key(String app, String page, String vital) {
        return app + "|" + page + "|" + vital;
    }
}
