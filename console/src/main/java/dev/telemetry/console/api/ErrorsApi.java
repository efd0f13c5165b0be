package dev.telemetry.console.api;

import static dev.telemetry.console.api.ConsoleApi.cut;
import static dev.telemetry.console.api.ConsoleApi.known;
import static dev.telemetry.console.api.ConsoleApi.name;
import static dev.telemetry.console.api.ConsoleApi.single;

import dev.telemetry.console.view.ErrorView;
import dev.telemetry.console.view.SeriesData;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.view.WindowStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /api/errors?app=&type=&category=&severity=&status=new|regressed}: error fingerprints, most frequent
 * first. Joins the processor's {@code errors{fingerprint,type,category,severity}} summaries (counts per closed
 * window) with the raw samples and the new / regressed marks of {@link ErrorView}. A fingerprint seen raw whose
 * window has not closed yet is listed with count 0 (and no category or severity: those come with its summary).
 */
public final class ErrorsApi {

    /** The processor's error count series (see the processor's {@code SeriesObservations}). */
    public static final String METRIC = "errors";
    private static final Set<String> PARAMS = Set.of("app", "type", "category", "severity", "status");

    /** One closed window of one fingerprint. */
    public record WindowCount(Instant windowStart, Instant windowEnd, long count) {
    }

    /**
     * One fingerprint.
     *
     * @param count     errors in the closed windows held (the sum of {@code windows})
     * @param status    {@code new}, {@code regressed} or null (see {@link ErrorView})
     * @param firstSeen first occurrence read (raw), else the start of its first window
     * @param lastSeen  latest occurrence read (raw), else the end of its latest window
     * @param message   the latest sample's message, as sent (render as text)
     * @param frame     the latest sample's top stack frame, as sent (render as text)
     * @param windows   oldest first; windows without errors are absent (no summary), i.e. 0
     */
    public record Fingerprint(String app, String fingerprint, String type, String category, String severity,
                              String status, long count, Instant firstSeen, Instant lastSeen, String message,
                              String frame, String level, String url, List<WindowCount> windows) {
    }

    private final SeriesView series;
    private final ErrorView errors;

    public ErrorsApi(SeriesView series, ErrorView errors) {
        this.series = series;
        this.errors = errors;
    }

    public Map<String, Object> errors(Map<String, List<String>> query) {
        known(query, PARAMS);
        String app = name(query, "app", false);
        String type = name(query, "type", false);
        String category = name(query, "category", false);
        String severity = name(query, "severity", false);
        String status = single(query, "status");
        if (status != null && !status.equals("new") && !status.equals("regressed")) {
            throw new BadParameter("status", "must be new or regressed");
        }

        // Counts: one series per fingerprint, unless its category or severity changed (the processor's rules did):
        // then its windows are summed and the labels of the series seen last win.
        Map<String, TreeMap<Instant, long[]>> windows = new HashMap<>();
        Map<String, Map<String, String>> labels = new HashMap<>();
        Map<String, Instant> labelsAt = new HashMap<>();
        for (SeriesData s : series.query(METRIC, app)) {
            String fp = s.labels().get("fingerprint");
            if (fp == null || s.windows().isEmpty()) {
                continue;
            }
            String key = s.app() + "|" + fp;
            TreeMap<Instant, long[]> byStart = windows.computeIfAbsent(key, k -> new TreeMap<>());
            for (WindowStats w : s.windows()) {
                long[] c = byStart.computeIfAbsent(w.windowStart(), k -> new long[]{w.windowEnd().toEpochMilli(), 0});
                c[1] += w.count();
            }
            Instant latest = s.windows().get(s.windows().size() - 1).windowEnd();
            if (!labelsAt.containsKey(key) || latest.isAfter(labelsAt.get(key))) {
                labelsAt.put(key, latest);
                labels.put(key, s.labels());
            }
        }
        Map<String, ErrorView.Sample> samples = new LinkedHashMap<>();
        for (ErrorView.Sample s : errors.samples(app)) {
            samples.put(s.app() + "|" + s.fingerprint(), s);
        }
        ErrorView.Marks marks = errors.marks(app);

        List<Fingerprint> found = new ArrayList<>();
        Set<String> keys = new HashSet<>(windows.keySet());
        keys.addAll(samples.keySet());
        int newCount = 0;
        int regressedCount = 0;
        for (String key : keys) {
            ErrorView.Sample sample = samples.get(key);
            Map<String, String> l = labels.getOrDefault(key, Map.of());
            TreeMap<Instant, long[]> w = windows.getOrDefault(key, new TreeMap<>());
            int bar = key.indexOf('|');
            String fpApp = sample != null ? sample.app() : key.substring(0, bar);
            String fp = sample != null ? sample.fingerprint() : key.substring(bar + 1);
            List<WindowCount> counts = new ArrayList<>(w.size());
            long total = 0;
            for (Map.Entry<Instant, long[]> e : w.entrySet()) {
                counts.add(new WindowCount(e.getKey(), Instant.ofEpochMilli(e.getValue()[0]), e.getValue()[1]));
                total += e.getValue()[1];
            }
            Instant firstSeen = sample != null ? sample.firstSeen() : w.isEmpty() ? null : w.firstKey();
            Instant lastSeen = sample != null ? sample.lastSeen()
                    : w.isEmpty() ? null : Instant.ofEpochMilli(w.lastEntry().getValue()[0]);
            ErrorView.Status mark = marks.status(fpApp, fp, sample == null ? null : sample.firstSeen());
            String fpType = l.getOrDefault("type", sample == null ? null : sample.type());
            Fingerprint f = new Fingerprint(fpApp, fp, fpType, l.get("category"), l.get("severity"),
                    mark == null ? null : mark.wireName(), total, firstSeen, lastSeen,
                    sample == null ? null : sample.message(), sample == null ? null : sample.frame(),
                    sample == null ? null : sample.level(), sample == null ? null : sample.url(), counts);
            if ((type == null || type.equals(f.type())) && (category == null || category.equals(f.category()))
                    && (severity == null || severity.equals(f.severity()))) {
                // The totals of new and regressed ignore the status filter: the page shows them as its tabs' counts.
                newCount += mark == ErrorView.Status.NEW ? 1 : 0;
                regressedCount += mark == ErrorView.Status.REGRESSED ? 1 : 0;
                if (status == null || status.equals(f.status())) {
                    found.add(f);
                }
            }
        }
        found.sort(Comparator.comparingLong(Fingerprint::count).reversed()
                .thenComparing(Fingerprint::lastSeen, Comparator.nullsLast(Comparator.reverseOrder()))
                .thenComparing(Fingerprint::app).thenComparing(Fingerprint::fingerprint));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", found.size());
        body.put("new", newCount);
        body.put("regressed", regressedCount);
        body.put("fingerprints", cut(found));
        return body;
    }
}
