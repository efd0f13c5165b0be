package dev.telemetry.console.vitals;

import dev.telemetry.console.view.SeriesData;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.view.WindowStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The web vitals' performance budgets and the pages' status against them.
 *
 * <p>Budgets are the seed's "Performance Budget Monitoring" (production-monitoring.md): FCP 1.5 s, LCP 2.5 s, FID
 * 100 ms, CLS 0.1, TTI 3.8 s; INP 200 ms (issue 15, and Google's "good" threshold). The seed sets no budget for TTFB:
 * 800 ms is Google's "good" threshold for it (web.dev/articles/ttfb), used here so every charted vital has a line.
 * A page is within budget when the p75 of its latest window is at most the budget (Google rates "good" the same
 * way, at or below the threshold); the 75th percentile is how Core Web Vitals are assessed.
 *
 * <p>Vitals are the summaries whose metric is a vital's name; the processor labels them with {@code page} (the
 * event's page, else its URL's path; absent when the event had neither). Vitals that carry a form factor are also
 * summarised per page and form factor ({@code formFactor} label, issue 19 item A): page-level views skip those.
 */
public final class VitalBudgets {

    /** Every vital with a budget, in the order pages show them. */
    public static final Map<String, Double> BUDGETS;
    /** The vitals the web vitals view always charts; FID and TTI join them when there is data. */
    public static final List<String> CHARTED = List.of("LCP", "INP", "CLS", "FCP", "TTFB");
    public static final String PAGE = "page";
    /** How a vital without a page (no page, no URL) is shown. */
    public static final String NO_PAGE = "(no page)";
    /** The label of the per page and form factor series (issue 19, item A): skipped where pages are counted. */
    public static final String FORM_FACTOR = "formFactor";

    static {
        Map<String, Double> b = new LinkedHashMap<>();
        b.put("LCP", 2500.0);
        b.put("INP", 200.0);
        b.put("CLS", 0.1);
        b.put("FCP", 1500.0);
        b.put("TTFB", 800.0);
        b.put("FID", 100.0);
        b.put("TTI", 3800.0);
        BUDGETS = Collections.unmodifiableMap(b);
    }

    private VitalBudgets() {
    }

    /** CLS is a unitless score, the others are milliseconds. */
    public static String unit(String vital) {
        return "CLS".equals(vital) ? "" : "ms";
    }

    /** {@code ok} when the p75 is within the budget, {@code over} when above it, {@code unknown} without a p75. */
    public static String status(String vital, Double p75) {
        Double budget = BUDGETS.get(vital);
        if (budget == null || p75 == null || p75.isNaN()) {
            return "unknown";
        }
        return p75 <= budget ? "ok" : "over";
    }

    /** One vital of one page: the p75 of its latest window against its budget. */
    public record VitalStatus(String vital, Double p75, double budget, String unit, String status, long count,
                              Instant windowStart, Instant windowEnd) {
    }

    /** One app's page and its vitals' status; {@code over} counts the vitals above budget. */
    public record PageStatus(String app, String page, int over, List<VitalStatus> vitals) {
        public PageStatus {
            vitals = List.copyOf(vitals);
        }
    }

    /** The label pages are shown by; a vital without one (no page, no URL) is "(no page)". */
    public static String page(SeriesData s) {
        String page = s.labels().get(PAGE);
        return page == null || page.isBlank() ? NO_PAGE : page;
    }

    /**
     * Each app and page with vitals (of {@code app} when not null), most vitals over budget first, then by app and
     * page: the latest window's p75 of every budgeted vital it has.
     */
    public static List<PageStatus> pages(SeriesView series, String app) {
        Map<String, Map<String, VitalStatus>> byPage = new TreeMap<>();
        Map<String, String[]> names = new TreeMap<>();
        for (String vital : BUDGETS.keySet()) {
            for (SeriesData s : series.query(vital, app)) {
                // The per form factor series repeat the page's vitals (issue 19, item A): the page's own series only.
                if (s.windows().isEmpty() || s.labels().containsKey(FORM_FACTOR)) {
                    continue;
                }
                WindowStats latest = s.windows().get(s.windows().size() - 1);
                String page = page(s);
                String key = s.app() + "\u0000" + page;
                names.put(key, new String[] {s.app(), page});
                byPage.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(vital, new VitalStatus(vital, latest.p75(),
                        BUDGETS.get(vital), unit(vital), status(vital, latest.p75()), latest.count(),
                        latest.windowStart(), latest.windowEnd()));
            }
        }
        List<PageStatus> out = new ArrayList<>(byPage.size());
        byPage.forEach((key, vitals) -> {
            List<VitalStatus> ordered = new ArrayList<>();
            BUDGETS.keySet().forEach(v -> {
                if (vitals.containsKey(v)) {
                    ordered.add(vitals.get(v));
                }
            });
            int over = (int) ordered.stream().filter(v -> v.status().equals("over")).count();
            out.add(new PageStatus(names.get(key)[0], names.get(key)[1], over, ordered));
        });
        out.sort(Comparator.comparingInt(PageStatus::over).reversed()
                .thenComparing(PageStatus::app).thenComparing(PageStatus::page));
        return out;
    }
}
