package dev.telemetry.processor.vitals;

import dev.telemetry.events.SeriesKeys;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.processor.window.SeriesObservations;
import dev.telemetry.processor.window.VitalRatings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Core Web Vitals assessment as CrUX makes it, per page, form factor and window: a page passes when the 75th
 * percentiles of LCP, INP and CLS are all "good" (LCP ≤ 2.5 s, INP ≤ 200 ms, CLS ≤ 0.1). A window without INP (no
 * interaction, as on many page views) is judged on LCP and CLS, as CrUX does when INP has too little data; one without
 * LCP or CLS is not judged at all.
 *
 * <p>Written as the series {@code cwv_assessment{formFactor,page}}: one summary per window whose value is 1 when the
 * page passed and 0 when it failed, so {@code mean} over windows is the share of passing windows and a rule
 * {@code cwv_assessment < 1 for 30m} says a page has failed for half an hour. Made from the closed summaries of
 * {@code LCP}, {@code INP} and {@code CLS} per page and form factor of one window, which the topology aggregates
 * after a repartition by app and page, so that they meet in one task.
 */
public final class CoreWebVitals {

    public static final String ASSESSMENT = "cwv_assessment";
    private static final String LCP = "LCP";
    private static final String INP = "INP";
    private static final String CLS = "CLS";

    private CoreWebVitals() {
    }

    /** The assessments of the pages and form factors in {@code closed}, the summaries of one closed window. */
    public static List<Summary> assess(List<Summary> closed) {
        // page and form factor → LCP, INP, CLS summaries; sorted, so the output's order does not depend on the store's
        Map<List<String>, Summary[]> byPage = new TreeMap<>((a, b) -> {
            int c = a.get(0).compareTo(b.get(0));
            return c != 0 ? c : a.get(1).compareTo(b.get(1));
        });
        for (Summary summary : closed) {
            int slot = switch (summary.metric()) {
                case LCP -> 0;
                case INP -> 1;
                case CLS -> 2;
                default -> -1;
            };
            String page = summary.labels().get("page");
            String formFactor = summary.labels().get(SeriesObservations.FORM_FACTOR);
            if (slot < 0 || page == null || formFactor == null || summary.p75() == null) {
                continue;
            }
            byPage.computeIfAbsent(List.of(page, formFactor), k -> new Summary[3])[slot] = summary;
        }
        List<Summary> assessed = new ArrayList<>(byPage.size());
        byPage.forEach((pageAndFormFactor, vitals) -> {
            if (vitals[0] == null || vitals[2] == null) {
                return;
            }
            boolean passed = good(vitals[0]) && (vitals[1] == null || good(vitals[1])) && good(vitals[2]);
            assessed.add(summary(vitals[0], pageAndFormFactor.get(0), pageAndFormFactor.get(1), passed ? 1 : 0));
        });
        return assessed;
    }

    private static boolean good(Summary vital) {
        return VitalRatings.of(vital.metric(), vital.p75()) == VitalRatings.GOOD;
    }

    private static Summary summary(Summary from, String page, String formFactor, double value) {
        Map<String, String> labels = Map.of("page", page, SeriesObservations.FORM_FACTOR, formFactor);
        return new Summary(Summary.SCHEMA_VERSION, from.app(), ASSESSMENT, SeriesKeys.format(ASSESSMENT, labels), labels,
                from.windowStart(), from.windowEnd(), 1, value, value, value, value, value, value, value, value, value,
                null);
    }
}
