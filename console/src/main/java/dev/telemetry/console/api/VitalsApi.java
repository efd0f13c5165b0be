package dev.telemetry.console.api;

import dev.telemetry.console.view.SeriesData;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.view.WindowStats;
import dev.telemetry.console.vitals.VitalBudgets;
import dev.telemetry.events.derived.Summary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /api/vitals?app=shop&page=/checkout&vital=LCP&top=10}: the web vitals view. Per vital (the five charted
 * ones, plus FID and TTI when they have data; only {@code vital} when given): its budget and, per app and page, the
 * p75 of each window — for the {@code top} (default {@value #DEFAULT_TOP}, at most {@value #MAX_TOP}) busiest pages
 * only, by events in the range, with {@code seriesTotal} saying how many matched — and the good /
 * needs-improvement / poor split of the latest window and of the whole range over every matching page. Also the
 * apps and pages seen, for the filters.
 *
 * <pre>{@code
 * {"app": "shop"|null, "page": ..., "vital": ..., "apps": ["shop"], "pages": ["/", "/checkout"],
 *  "vitals": [{"vital": "LCP", "unit": "ms", "budget": 2500.0,
 *              "series": [{"app": "shop", "page": "/checkout", "windows": [{"windowStart", "windowEnd", "p75", "count"}]}],
 *              "seriesTotal": 1,
 *              "latest": {"windowStart", "good", "needsImprovement", "poor"},
 *              "range": {"good", "needsImprovement", "poor"}}]}
 * }</pre>
 */
public final class VitalsApi {

    private static final Set<String> PARAMS = Set.of("app", "page", "vital", "top");
    /**
     * Lines per chart by default: a site with a thousand pages made the page draw a thousand lines per vital (a
     * minute of the browser's main thread with the caps full); the busiest pages are the ones worth a line.
     */
    static final int DEFAULT_TOP = 10;
    static final int MAX_TOP = 100;

    private final SeriesView series;

    public VitalsApi(SeriesView series) {
        this.series = series;
    }

    public Map<String, Object> vitals(Map<String, List<String>> query) {
        Params.known(query, PARAMS, false);
        String app = Params.name(query, "app", false);
        String page = Params.name(query, "page", false);
        String vital = Params.single(query, "vital");
        if (vital != null && !VitalBudgets.BUDGETS.containsKey(vital)) {
            throw new BadParameter("vital", "must be one of " + String.join(", ", VitalBudgets.BUDGETS.keySet()));
        }
        int top = Params.integer(query, "top", 1, MAX_TOP, DEFAULT_TOP);
        Set<String> apps = new TreeSet<>();
        Set<String> pages = new TreeSet<>();
        List<Map<String, Object>> charts = new ArrayList<>();
        for (String name : VitalBudgets.BUDGETS.keySet()) {
            List<SeriesData> found = series.query(name, null);
            List<SeriesData> shown = new ArrayList<>();
            for (SeriesData s : found) {
                apps.add(s.app());
                if (app != null && !app.equals(s.app())) {
                    continue;
                }
                pages.add(VitalBudgets.page(s));
                if (page == null || page.equals(VitalBudgets.page(s))) {
                    shown.add(s);
                }
            }
            boolean wanted = vital != null ? vital.equals(name)
                    : VitalBudgets.CHARTED.contains(name) || !shown.isEmpty();
            if (wanted) {
                charts.add(chart(name, shown, top));
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("app", app);
        body.put("page", page);
        body.put("vital", vital);
        body.put("apps", List.copyOf(apps));
        body.put("pages", List.copyOf(pages));
        body.put("vitals", charts);
        return body;
    }

    private static Map<String, Object> chart(String vital, List<SeriesData> shown, int top) {
        Instant latest = null;
        long[] range = new long[3];
        for (SeriesData s : shown) {
            for (WindowStats w : s.windows()) {
                add(range, w.ratings());
                if (w.ratings() != null && (latest == null || w.windowStart().isAfter(latest))) {
                    latest = w.windowStart();
                }
            }
        }
        List<SeriesData> busiest = shown.stream()
                .sorted(java.util.Comparator.comparingLong(VitalsApi::events).reversed()
                        .thenComparing(SeriesData::app).thenComparing(VitalBudgets::page))
                .limit(top).toList();
        List<Map<String, Object>> lines = new ArrayList<>(busiest.size());
        for (SeriesData s : busiest) {
            List<Map<String, Object>> windows = new ArrayList<>(s.windows().size());
            for (WindowStats w : s.windows()) {
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("windowStart", w.windowStart());
                point.put("windowEnd", w.windowEnd());
                point.put("p75", w.p75());
                point.put("count", w.count());
                windows.add(point);
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("app", s.app());
            line.put("page", VitalBudgets.page(s));
            line.put("windows", windows);
            lines.add(line);
        }
        // The latest window that has ratings, summed over the pages shown.
        long[] last = new long[3];
        if (latest != null) {
            for (SeriesData s : shown) {
                for (WindowStats w : s.windows()) {
                    if (w.windowStart().equals(latest)) {
                        add(last, w.ratings());
                    }
                }
            }
        }
        Map<String, Object> latestSplit = split(last);
        latestSplit.put("windowStart", latest);
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("vital", vital);
        chart.put("unit", VitalBudgets.unit(vital));
        chart.put("budget", VitalBudgets.BUDGETS.get(vital));
        chart.put("series", lines);
        chart.put("seriesTotal", shown.size());
        chart.put("latest", latestSplit);
        chart.put("range", split(range));
        return chart;
    }

    private static long events(SeriesData s) {
        long n = 0;
        for (WindowStats w : s.windows()) {
            n += w.count();
        }
        return n;
    }

    private static void add(long[] into, Summary.Ratings ratings) {
        if (ratings != null) {
            into[0] += ratings.good();
            into[1] += ratings.needsImprovement();
            into[2] += ratings.poor();
        }
    }

    private static Map<String, Object> split(long[] counts) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("good", counts[0]);
        out.put("needsImprovement", counts[1]);
        out.put("poor", counts[2]);
        return out;
    }
}
