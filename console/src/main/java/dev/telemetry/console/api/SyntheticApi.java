package dev.telemetry.console.api;

import static dev.telemetry.console.api.ConsoleApi.known;
import static dev.telemetry.console.api.ConsoleApi.name;

import dev.telemetry.console.view.SeriesData;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.view.SyntheticView;
import dev.telemetry.console.view.WindowStats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /api/synthetic?app=&check=}: per synthetic check, availability and duration per closed window (the
 * processor's {@code synthetic_availability{check}}, whose mean is the availability, and
 * {@code synthetic_duration{check}}), and its latest run and latest failure from the raw topic ({@link SyntheticView}).
 */
public final class SyntheticApi {

    public static final String AVAILABILITY = "synthetic_availability";
    public static final String DURATION = "synthetic_duration";
    private static final Set<String> PARAMS = Set.of("app", "check");

    /**
     * One closed window of one check.
     *
     * @param availability the share of successful runs (0..1), null when the window had no availability summary
     * @param runs         runs in the window
     */
    public record Window(Instant windowStart, Instant windowEnd, Double availability, long runs, Double durationMean,
                         Double durationP95, Double durationMax) {
    }

    /**
     * One check.
     *
     * @param availability the share of successful runs over all its windows held, null without any
     * @param runs         runs over all its windows held
     * @param windows      oldest first
     */
    public record Check(String app, String check, Double availability, long runs, SyntheticView.Run lastRun,
                        SyntheticView.Run lastFailure, List<Window> windows) {
    }

    private final SeriesView series;
    private final SyntheticView synthetic;

    public SyntheticApi(SeriesView series, SyntheticView synthetic) {
        this.series = series;
        this.synthetic = synthetic;
    }

    public Map<String, Object> synthetic(Map<String, List<String>> query) {
        known(query, PARAMS);
        String app = name(query, "app", false);
        String check = name(query, "check", false);
        Map<String, TreeMap<Instant, WindowStats>> availability = byCheck(AVAILABILITY, app, check);
        Map<String, TreeMap<Instant, WindowStats>> duration = byCheck(DURATION, app, check);
        Map<String, SyntheticView.Check> runs = new HashMap<>();
        for (SyntheticView.Check c : synthetic.query(app, check)) {
            runs.put(c.app() + "|" + c.check(), c);
        }
        Set<String> keys = new TreeSet<>(availability.keySet());
        keys.addAll(duration.keySet());
        keys.addAll(runs.keySet());
        List<Check> found = new ArrayList<>();
        for (String key : keys) {
            TreeMap<Instant, WindowStats> a = availability.getOrDefault(key, new TreeMap<>());
            TreeMap<Instant, WindowStats> d = duration.getOrDefault(key, new TreeMap<>());
            TreeSet<Instant> starts = new TreeSet<>(a.keySet());
            starts.addAll(d.keySet());
            List<Window> windows = new ArrayList<>(starts.size());
            double successes = 0;
            long total = 0;
            for (Instant start : starts) {
                WindowStats av = a.get(start);
                WindowStats du = d.get(start);
                WindowStats any = av != null ? av : du;
                windows.add(new Window(start, any.windowEnd(), av == null ? null : av.mean(),
                        av != null ? av.count() : du.count(), du == null ? null : du.mean(),
                        du == null ? null : du.p95(), du == null ? null : du.max()));
                if (av != null) {
                    // The mean of 1s and 0s times the runs is the successful runs.
                    successes += av.mean() * av.count();
                    total += av.count();
                }
            }
            SyntheticView.Check latest = runs.get(key);
            int bar = key.indexOf('|');
            found.add(new Check(key.substring(0, bar), key.substring(bar + 1), total == 0 ? null : successes / total,
                    total, latest == null ? null : latest.lastRun(), latest == null ? null : latest.lastFailure(),
                    windows));
        }
        found.sort(Comparator.comparing(Check::app).thenComparing(Check::check));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", found.size());
        body.put("failing", found.stream().filter(c -> c.lastRun() != null && !c.lastRun().success()).count());
        body.put("checks", ConsoleApi.cut(found));
        return body;
    }

    /** The metric's windows by app|check (one series per check), for {@code check} only when given. */
    private Map<String, TreeMap<Instant, WindowStats>> byCheck(String metric, String app, String check) {
        Map<String, TreeMap<Instant, WindowStats>> out = new HashMap<>();
        for (SeriesData s : series.query(metric, app)) {
            String c = s.labels().get("check");
            if (c == null || (check != null && !check.equals(c))) {
                continue;
            }
            TreeMap<Instant, WindowStats> windows = out.computeIfAbsent(s.app() + "|" + c, k -> new TreeMap<>());
            s.windows().forEach(w -> windows.put(w.windowStart(), w));
        }
        return out;
    }
}
