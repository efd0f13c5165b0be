package dev.telemetry.console.api;

import dev.telemetry.console.view.SeriesIdentity;
import dev.telemetry.console.view.SeriesView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /api/metrics?app=shop}: the catalogue the metrics view picks from: the apps, and per metric the apps
 * it comes from, its series count, and the label keys with the values seen (at most {@value #MAX_VALUES} per key,
 * {@code truncated} when more). The chart itself is {@code GET /api/series?metric=&app=&label.<key>=}.
 *
 * <pre>{@code
 * {"apps": ["shop"], "count": 2,
 *  "metrics": [{"metric": "response_time", "apps": ["shop"], "series": 3, "windows": 540, "latestEnd": "...",
 *               "labels": {"endpoint": ["/api/cart", "/api/checkout"]}, "truncated": false}]}
 * }</pre>
 */
public final class MetricsApi {

    static final int MAX_VALUES = 200;
    private static final Set<String> PARAMS = Set.of("app");

    private final SeriesView series;

    public MetricsApi(SeriesView series) {
        this.series = series;
    }

    public Map<String, Object> catalogue(Map<String, List<String>> query) {
        Params.known(query, PARAMS, false);
        String app = Params.name(query, "app", false);
        Set<String> apps = new TreeSet<>();
        Map<String, Entry> metrics = new TreeMap<>();
        for (SeriesIdentity s : series.identities()) {
            apps.add(s.app());
            if (app != null && !app.equals(s.app())) {
                continue;
            }
            metrics.computeIfAbsent(s.metric(), k -> new Entry()).add(s);
        }
        List<Map<String, Object>> list = new ArrayList<>(metrics.size());
        metrics.forEach((name, e) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metric", name);
            m.put("apps", List.copyOf(e.apps));
            m.put("series", e.series);
            m.put("windows", e.windows);
            m.put("latestEnd", e.latestEnd);
            Map<String, List<String>> labels = new TreeMap<>();
            e.labels.forEach((k, v) -> labels.put(k, List.copyOf(v)));
            m.put("labels", labels);
            m.put("truncated", e.truncated);
            list.add(m);
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("apps", List.copyOf(apps));
        body.put("count", list.size());
        body.put("metrics", list);
        return body;
    }

    private static final class Entry {
        final Set<String> apps = new TreeSet<>();
        final Map<String, Set<String>> labels = new TreeMap<>();
        int series;
        long windows;
        Instant latestEnd;
        boolean truncated;

        void add(SeriesIdentity s) {
            if (s.windows() == 0) {
                return;
            }
            apps.add(s.app());
            series++;
            windows += s.windows();
            if (latestEnd == null || (s.latestEnd() != null && s.latestEnd().isAfter(latestEnd))) {
                latestEnd = s.latestEnd();
            }
            s.labels().forEach((k, v) -> {
                Set<String> values = labels.computeIfAbsent(k, x -> new TreeSet<>());
                if (values.size() < MAX_VALUES || values.contains(v)) {
                    values.add(v);
                } else {
                    truncated = true;
                }
            });
        }
    }
}
