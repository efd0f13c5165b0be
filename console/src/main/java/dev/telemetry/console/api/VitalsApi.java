package dev.telemetry.console.api;

import dev.telemetry.console.view.SeriesData;
import dev.telemetry.console.view.VitalOffenders;
import dev.telemetry.console.view.VitalOffendersView;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.view.WindowStats;
import dev.telemetry.console.vitals.VitalBudgets;
import dev.telemetry.events.derived.Summary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /api/vitals?app=shop&page=/checkout&vital=LCP&formFactor=phone&range=1h&top=10}: the web vitals view.
 * Per vital (the five charted ones, plus FID and TTI when they have data; only {@code vital} when given): its budget
 * and, per app and page, the p75 of each window — for the {@code top} (default {@value #DEFAULT_TOP}, at most
 * {@value #MAX_TOP}) busiest pages only, by events in the range, with {@code seriesTotal} saying how many matched —
 * and the good / needs-improvement / poor split of the latest window and of the whole range over every matching page.
 * Also the apps and pages seen, for the filters.
 *
 * <p>The charts read the series labelled {@code {page}} only: the processor also writes every vital per page and
 * form factor ({@code LCP{formFactor=phone,page=/}}, issue 19 item A), and counting both would count every page
 * twice. With {@code formFactor} (phone, tablet, desktop) they read that form factor's series instead.
 * {@code range} ({@code 15m} … {@code 24h}; default: everything held) keeps the windows that ended in the last range.
 *
 * <p>{@code details}: for the selected page (each app that has it), else the {@value #DETAIL_TOP} busiest pages
 * ({@code detailsTotal} says how many there were):
 * <ul>
 *   <li>{@code formFactors}: per form factor the p75 of LCP, INP, CLS, FCP and TTFB over the range (the windows'
 *       p75 weighted by their counts: summaries carry no histogram, so this approximates the range's p75) and the
 *       Core Web Vitals assessment ({@code cwv_assessment}, item C) of its latest window;</li>
 *   <li>{@code subparts}: per vital (LCP, INP) the p75 per window of each subpart (item B), one line each;</li>
 *   <li>{@code offenders}: per vital (LCP, INP, CLS) the top targets of {@code telemetry.vitals-attribution} (item
 *       D) of the latest window, and summed over the range (counts added up over the windows' top lists: a target
 *       outside a window's top list adds nothing for it; p75 weighted by count). Records carry no form factor:
 *       subparts and offenders are over every form factor.</li>
 * </ul>
 *
 * <pre>{@code
 * {"app": "shop"|null, "page": ..., "vital": ..., "formFactor": ..., "range": "1h"|null,
 *  "apps": ["shop"], "pages": ["/", "/checkout"], "formFactors": ["phone", "tablet", "desktop"],
 *  "vitals": [{"vital": "LCP", "unit": "ms", "budget": 2500.0,
 *              "series": [{"app": "shop", "page": "/checkout", "windows": [{"windowStart", "windowEnd", "p75", "count"}]}],
 *              "seriesTotal": 1,
 *              "latest": {"windowStart", "good", "needsImprovement", "poor"},
 *              "range": {"good", "needsImprovement", "poor"}}],
 *  "details": [{"app": "shop", "page": "/checkout",
 *               "formFactors": [{"formFactor": "phone", "vitals": [{"vital", "unit", "budget", "p75", "count", "status"}],
 *                                "assessment": {"windowStart", "windowEnd", "pass": true}|null}],
 *               "subparts": [{"vital": "LCP", "unit": "ms", "parts": [{"part": "lcp_time_to_first_byte",
 *                                                                      "windows": [{"windowStart", "windowEnd", "p75", "count"}]}]}],
 *               "offenders": [{"vital": "LCP",
 *                              "latest": {"windowStart", "windowEnd", "poorCount", "offenders": [{"target", "count", "maxOvercount", "p75"}]}|null,
 *                              "range": {"windows", "poorCount", "offenders": [{"target", "count", "p75"}]}}]}],
 *  "detailsTotal": 1}
 * }</pre>
 */
public final class VitalsApi {

    private static final Set<String> PARAMS = Set.of("app", "page", "vital", "top", "formFactor", "range");
    /**
     * Lines per chart by default: a site with a thousand pages made the page draw a thousand lines per vital (a
     * minute of the browser's main thread with the caps full); the busiest pages are the ones worth a line.
     */
    static final int DEFAULT_TOP = 10;
    static final int MAX_TOP = 100;
    /** Pages given a breakdown (form factors, subparts, offenders) when none is selected: the busiest. */
    static final int DETAIL_TOP = 3;
    /** Targets listed per vital, for the latest window and for the range. */
    static final int OFFENDERS_TOP = 10;
    public static final String FORM_FACTOR = VitalBudgets.FORM_FACTOR;
    public static final List<String> FORM_FACTORS = List.of("phone", "tablet", "desktop");
    public static final String ASSESSMENT = "cwv_assessment";
    /** Item B's subparts per vital, in the order they happen. */
    public static final Map<String, List<String>> SUBPARTS = Map.of(
            "LCP", List.of("lcp_time_to_first_byte", "lcp_resource_load_delay", "lcp_resource_load_duration",
                    "lcp_element_render_delay"),
            "INP", List.of("inp_input_delay", "inp_processing_duration", "inp_presentation_delay"));
    static final List<String> SUBPART_VITALS = List.of("LCP", "INP");
    static final List<String> OFFENDER_VITALS = List.of("LCP", "INP", "CLS");
    private static final Pattern RANGE = Pattern.compile("([0-9]{1,4})([mh])");
    static final Duration MAX_RANGE = Duration.ofHours(24);

    private final SeriesView series;
    private final VitalOffendersView offenders;
    private final Clock clock;

    public VitalsApi(SeriesView series) {
        this(series, null, Clock.systemUTC());
    }

    public VitalsApi(SeriesView series, VitalOffendersView offenders, Clock clock) {
        this.series = series;
        this.offenders = offenders;
        this.clock = clock;
    }

    public Map<String, Object> vitals(Map<String, List<String>> query) {
        Params.known(query, PARAMS, false);
        String app = Params.name(query, "app", false);
        // "(no page)" is what the pages select offers for vitals without a page: not a name, but a choice.
        String page = VitalBudgets.NO_PAGE.equals(Params.single(query, "page")) ? VitalBudgets.NO_PAGE
                : Params.name(query, "page", false);
        String vital = Params.single(query, "vital");
        if (vital != null && !VitalBudgets.BUDGETS.containsKey(vital)) {
            throw new BadParameter("vital", "must be one of " + String.join(", ", VitalBudgets.BUDGETS.keySet()));
        }
        String formFactor = Params.single(query, FORM_FACTOR);
        if (formFactor != null && !FORM_FACTORS.contains(formFactor)) {
            throw new BadParameter(FORM_FACTOR, "must be one of " + String.join(", ", FORM_FACTORS));
        }
        String range = Params.single(query, "range");
        Instant since = range == null ? null : clock.instant().minus(range(range));
        int top = Params.integer(query, "top", 1, MAX_TOP, DEFAULT_TOP);
        Set<String> apps = new TreeSet<>();
        Set<String> pages = new TreeSet<>();
        List<Map<String, Object>> charts = new ArrayList<>();
        // Events per app and page over the charted vitals without a form factor: which pages get a breakdown.
        Map<List<String>, Long> busy = new HashMap<>();
        for (String name : VitalBudgets.BUDGETS.keySet()) {
            List<SeriesData> found = series.query(name, null);
            List<SeriesData> shown = new ArrayList<>();
            for (SeriesData s : found) {
                String ff = s.labels().get(FORM_FACTOR);
                if (!(formFactor == null ? ff == null : formFactor.equals(ff))) {
                    continue; // the per-page series, or the chosen form factor's: never both
                }
                apps.add(s.app());
                if (app != null && !app.equals(s.app())) {
                    continue;
                }
                pages.add(VitalBudgets.page(s));
                if (page == null || page.equals(VitalBudgets.page(s))) {
                    SeriesData kept = since(s, since);
                    if (!kept.windows().isEmpty()) {
                        shown.add(kept);
                        busy.merge(List.of(kept.app(), VitalBudgets.page(kept)), events(kept), Long::sum);
                    }
                }
            }
            boolean wanted = vital != null ? vital.equals(name)
                    : VitalBudgets.CHARTED.contains(name) || !shown.isEmpty();
            if (wanted) {
                charts.add(chart(name, shown, top));
            }
        }
        List<List<String>> detailed = new ArrayList<>();
        if (page != null) {
            // Every app with something for the page (an app filter leaves one).
            Set<String> withPage = new TreeSet<>();
            busy.keySet().forEach(k -> withPage.add(k.get(0)));
            for (String name : detailMetrics()) {
                for (SeriesData s : series.query(name, app)) {
                    if (page.equals(VitalBudgets.page(s))) {
                        withPage.add(s.app());
                    }
                }
            }
            if (offenders != null) {
                offenders.query(app, offenderPage(page), null, since).forEach(l -> withPage.add(l.get(0).app()));
            }
            withPage.forEach(a -> detailed.add(List.of(a, page)));
        } else {
            busy.entrySet().stream()
                    .sorted(Map.Entry.<List<String>, Long>comparingByValue().reversed()
                            .thenComparing(e -> e.getKey().get(0)).thenComparing(e -> e.getKey().get(1)))
                    .forEach(e -> detailed.add(e.getKey()));
        }
        List<Map<String, Object>> details = new ArrayList<>();
        for (List<String> key : detailed.subList(0, Math.min(page != null ? detailed.size() : DETAIL_TOP, detailed.size()))) {
            details.add(detail(key.get(0), key.get(1), since));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("app", app);
        body.put("page", page);
        body.put("vital", vital);
        body.put(FORM_FACTOR, formFactor);
        body.put("range", range);
        body.put("apps", List.copyOf(apps));
        body.put("pages", List.copyOf(pages));
        body.put("formFactors", FORM_FACTORS);
        body.put("vitals", charts);
        body.put("details", details);
        body.put("detailsTotal", detailed.size());
        return body;
    }

    /** {@code 15m}, {@code 1h}: from 1 minute to {@link #MAX_RANGE}. */
    static Duration range(String value) {
        Matcher m = RANGE.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = m.group(2).equals("m") ? Duration.ofMinutes(n) : Duration.ofHours(n);
            if (!d.isZero() && d.compareTo(MAX_RANGE) <= 0) {
                return d;
            }
        }
        throw new BadParameter("range", "must be minutes or hours from 1m to 24h (e.g. 15m, 1h), got '" + value + "'");
    }

    private static List<String> detailMetrics() {
        List<String> out = new ArrayList<>();
        out.add(ASSESSMENT);
        SUBPART_VITALS.forEach(v -> out.addAll(SUBPARTS.get(v)));
        return out;
    }

    /** The page of offender records: "" for vitals without a page (the summaries' "(no page)"). */
    private static String offenderPage(String page) {
        return VitalBudgets.NO_PAGE.equals(page) ? "" : page;
    }

    private static String page(VitalOffenders r) {
        return r.page() == null || r.page().isBlank() ? "(no page)" : r.page();
    }

    /** {@code s} with only the windows that ended at or after {@code since} (all of them when null). */
    private static SeriesData since(SeriesData s, Instant since) {
        if (since == null) {
            return s;
        }
        return new SeriesData(s.app(), s.metric(), s.series(), s.labels(),
                s.windows().stream().filter(w -> !w.windowEnd().isBefore(since)).toList());
    }

    /** The series of {@code metric} of one app and page, with exactly the labels page and, when not null, formFactor. */
    private List<SeriesData> seriesOf(String metric, String app, String page, String formFactor, Instant since) {
        List<SeriesData> out = new ArrayList<>();
        for (SeriesData s : series.query(metric, app)) {
            String ff = s.labels().get(FORM_FACTOR);
            if (page.equals(VitalBudgets.page(s)) && (formFactor == null ? ff == null : formFactor.equals(ff))) {
                SeriesData kept = since(s, since);
                if (!kept.windows().isEmpty()) {
                    out.add(kept);
                }
            }
        }
        return out;
    }

    private Map<String, Object> detail(String app, String page, Instant since) {
        List<Map<String, Object>> formFactors = new ArrayList<>();
        for (String ff : FORM_FACTORS) {
            List<Map<String, Object>> vitals = new ArrayList<>();
            boolean any = false;
            for (String v : VitalBudgets.CHARTED) {
                double weighted = 0;
                long count = 0;
                for (SeriesData s : seriesOf(v, app, page, ff, since)) {
                    for (WindowStats w : s.windows()) {
                        if (w.p75() != null && !w.p75().isNaN() && w.count() > 0) {
                            weighted += w.p75() * w.count();
                            count += w.count();
                        }
                    }
                }
                Double p75 = count == 0 ? null : weighted / count;
                any |= count > 0;
                Map<String, Object> cell = new LinkedHashMap<>();
                cell.put("vital", v);
                cell.put("unit", VitalBudgets.unit(v));
                cell.put("budget", VitalBudgets.BUDGETS.get(v));
                cell.put("p75", p75);
                cell.put("count", count);
                cell.put("status", VitalBudgets.status(v, p75));
                vitals.add(cell);
            }
            WindowStats last = null;
            for (SeriesData s : seriesOf(ASSESSMENT, app, page, ff, since)) {
                WindowStats w = s.windows().get(s.windows().size() - 1);
                if (last == null || w.windowStart().isAfter(last.windowStart())) {
                    last = w;
                }
            }
            Map<String, Object> assessment = null;
            if (last != null) {
                assessment = new LinkedHashMap<>();
                assessment.put("windowStart", last.windowStart());
                assessment.put("windowEnd", last.windowEnd());
                assessment.put("pass", last.count() > 0 && last.mean() >= 0.5); // 1 passes, 0 fails
            }
            if (any || assessment != null) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put(FORM_FACTOR, ff);
                row.put("vitals", vitals);
                row.put("assessment", assessment);
                formFactors.add(row);
            }
        }
        List<Map<String, Object>> subparts = new ArrayList<>();
        for (String v : SUBPART_VITALS) {
            List<Map<String, Object>> parts = new ArrayList<>();
            for (String part : SUBPARTS.get(v)) {
                for (SeriesData s : seriesOf(part, app, page, null, since)) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("part", part);
                    line.put("windows", points(s));
                    parts.add(line);
                }
            }
            if (!parts.isEmpty()) {
                Map<String, Object> chart = new LinkedHashMap<>();
                chart.put("vital", v);
                chart.put("unit", "ms");
                chart.put("parts", parts);
                subparts.add(chart);
            }
        }
        List<Map<String, Object>> offenderLists = new ArrayList<>();
        if (offenders != null) {
            for (List<VitalOffenders> windows : offenders.query(app, offenderPage(page), null, since)) {
                if (!page.equals(page(windows.get(0)))) {
                    continue;
                }
                offenderLists.add(offenders(windows));
            }
            offenderLists.sort(Comparator.comparingInt(m -> vitalOrder((String) m.get("vital"))));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("app", app);
        out.put("page", page);
        out.put("formFactors", formFactors);
        out.put("subparts", subparts);
        out.put("offenders", offenderLists);
        return out;
    }

    private static int vitalOrder(String vital) {
        int i = OFFENDER_VITALS.indexOf(vital);
        return i < 0 ? OFFENDER_VITALS.size() : i;
    }

    /** One vital's offenders of one page: the latest window's list as published, and the range's sums. */
    private static Map<String, Object> offenders(List<VitalOffenders> windows) {
        VitalOffenders last = windows.get(windows.size() - 1);
        Map<String, Object> latest = new LinkedHashMap<>();
        latest.put("windowStart", last.windowStart());
        latest.put("windowEnd", last.windowEnd());
        latest.put("poorCount", last.poorCount());
        List<Map<String, Object>> lastList = new ArrayList<>();
        last.offenders().stream()
                .sorted(Comparator.comparingLong(VitalOffenders.Offender::count).reversed()
                        .thenComparing(VitalOffenders.Offender::target))
                .limit(OFFENDERS_TOP)
                .forEach(o -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("target", o.target());
                    m.put("count", o.count());
                    m.put("maxOvercount", o.maxOvercount());
                    m.put("p75", o.p75());
                    lastList.add(m);
                });
        latest.put("offenders", lastList);
        long poor = 0;
        Map<String, long[]> counts = new HashMap<>();
        Map<String, double[]> weighted = new HashMap<>(); // sum of p75 x count, and the count it covers
        for (VitalOffenders w : windows) {
            poor += w.poorCount();
            for (VitalOffenders.Offender o : w.offenders()) {
                counts.computeIfAbsent(o.target(), t -> new long[1])[0] += o.count();
                if (o.p75() != null && !o.p75().isNaN()) {
                    double[] p = weighted.computeIfAbsent(o.target(), t -> new double[2]);
                    p[0] += o.p75() * o.count();
                    p[1] += o.count();
                }
            }
        }
        List<Map<String, Object>> rangeList = new ArrayList<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, long[]>comparingByValue(Comparator.comparingLong(c -> -c[0]))
                        .thenComparing(Map.Entry::getKey))
                .limit(OFFENDERS_TOP)
                .forEach(e -> {
                    double[] p = weighted.get(e.getKey());
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("target", e.getKey());
                    m.put("count", e.getValue()[0]);
                    m.put("p75", p == null || p[1] == 0 ? null : p[0] / p[1]);
                    rangeList.add(m);
                });
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("windows", windows.size());
        range.put("poorCount", poor);
        range.put("offenders", rangeList);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("vital", last.vital());
        out.put("latest", latest);
        out.put("range", range);
        return out;
    }

    private static List<Map<String, Object>> points(SeriesData s) {
        List<Map<String, Object>> windows = new ArrayList<>(s.windows().size());
        for (WindowStats w : s.windows()) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("windowStart", w.windowStart());
            point.put("windowEnd", w.windowEnd());
            point.put("p75", w.p75());
            point.put("count", w.count());
            windows.add(point);
        }
        return windows;
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
            List<Map<String, Object>> windows = points(s);
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
