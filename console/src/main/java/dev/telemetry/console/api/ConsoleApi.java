package dev.telemetry.console.api;

import dev.telemetry.console.view.AlertView;
import dev.telemetry.console.view.DeliveryView;
import dev.telemetry.console.view.RateLimitView;
import dev.telemetry.console.view.SecurityView;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The console's JSON API over the views, free of HTTP: each method takes the query parameters (first value of
 * each) and returns what is written as JSON, or throws {@link BadParameter}.
 *
 * <ul>
 *   <li>{@code GET /api/alerts?status=firing,pending&app=shop&severity=high&alertname=checkout_slow&limit=500}: the
 *   alerts' latest states (firing, then pending, then resolved; newest change first), the first {@code limit} of
 *   them (all when absent), with {@code count} and {@code counts} per status over every match</li>
 *   <li>{@code GET /api/series?metric=LCP&app=shop&label.page=/checkout&stats=p75,ratings}: the metric's series (with
 *       every {@code label.<key>} filter's value), each with its windows ({@code stats}: only these statistics in each
 *       window, besides its start and end; all when absent; {@code format=columns}: one array per field instead of
 *       window objects, see {@link SeriesView#select})</li>
 *   <li>{@code GET /api/deliveries?receiver=ops}: per receiver counts, failed attempts, dead letters</li>
 *   <li>{@code GET /api/security?app=shop&event=...&class=xss&ip=...}: findings (newest first), the top offending
 *       IPs (over app, event and class: not narrowed by ip) and the event names held (for the page's filter)</li>
 *   <li>{@code GET /api/ratelimit?app=shop&ip=...&exceeded=true}: per-minute request counts per IP and endpoint</li>
 * </ul>
 * Lists are cut at {@value #MAX_ITEMS} items (newest kept); {@code count} is the number before the cut.
 * <ul>
 * </ul>
 */
public final class ConsoleApi {

    private static final Set<String> ALERT_PARAMS = Set.of("status", "app", "severity", "alertname", "limit");
    /** The most alerts one answer carries; the view holds up to its cap (10 000 by default). */
    static final int MAX_ALERTS = 10_000;
    private static final Set<String> SERIES_PARAMS = Set.of("metric", "app", "stats", "format");
    private static final Set<String> DELIVERY_PARAMS = Set.of("receiver");
    private static final Set<String> SECURITY_PARAMS = Set.of("app", "event", "class", "ip");
    private static final Set<String> RATELIMIT_PARAMS = Set.of("app", "ip", "exceeded");
    static final int MAX_ITEMS = 500;
    static final int TOP_IPS = 10;

    private final SeriesView series;
    private final AlertView alerts;
    private final DeliveryView deliveries;
    private final SecurityView security;
    private final RateLimitView rateLimits;

    public ConsoleApi(SeriesView series, AlertView alerts, DeliveryView deliveries, SecurityView security,
                      RateLimitView rateLimits) {
        this.series = series;
        this.alerts = alerts;
        this.deliveries = deliveries;
        this.security = security;
        this.rateLimits = rateLimits;
    }

    public Map<String, Object> deliveries(Map<String, List<String>> query) {
        known(query, DELIVERY_PARAMS);
        String receiver = name(query, "receiver", false);
        var failures = deliveries.failures(receiver);
        var dead = deliveries.deadLetters(receiver);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("receivers", deliveries.receivers(receiver));
        body.put("failureCount", failures.size());
        body.put("failures", cut(failures));
        body.put("deadLetterCount", dead.size());
        body.put("deadLetters", cut(dead));
        return body;
    }

    public Map<String, Object> security(Map<String, List<String>> query) {
        known(query, SECURITY_PARAMS);
        String app = name(query, "app", false);
        String event = name(query, "event", false);
        String attackClass = name(query, "class", false);
        String ip = name(query, "ip", false);
        var found = security.query(app, event, attackClass, ip);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", found.size());
        body.put("findings", cut(found));
        body.put("topIps", security.topIps(app, event, attackClass, TOP_IPS));
        body.put("events", security.events());
        return body;
    }

    public Map<String, Object> rateLimits(Map<String, List<String>> query) {
        known(query, RATELIMIT_PARAMS);
        String app = name(query, "app", false);
        String ip = name(query, "ip", false);
        String exceeded = single(query, "exceeded");
        if (exceeded != null && !exceeded.equals("true") && !exceeded.equals("false")) {
            throw new BadParameter("exceeded", "must be true or false");
        }
        var found = rateLimits.query(app, ip, "true".equals(exceeded));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", found.size());
        body.put("counts", cut(found));
        return body;
    }

    static <T> List<T> cut(List<T> items) {
        return items.size() > MAX_ITEMS ? List.copyOf(items.subList(0, MAX_ITEMS)) : items;
    }

    public Map<String, Object> alerts(Map<String, List<String>> query) {
        known(query, ALERT_PARAMS);
        Set<AlertStatus> statuses = EnumSet.noneOf(AlertStatus.class);
        String status = single(query, "status");
        if (status != null) {
            for (String part : status.split(",", -1)) {
                String name = part.trim().toLowerCase(Locale.ROOT);
                try {
                    statuses.add(AlertStatus.valueOf(name.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new BadParameter("status", "must be pending, firing or resolved (comma-separated for several)");
                }
            }
        }
        String app = name(query, "app", false);
        String severity = name(query, "severity", false);
        String alertname = name(query, "alertname", false);
        int limit = Params.integer(query, "limit", 1, MAX_ALERTS, MAX_ALERTS);
        List<AlertEvent> found = alerts.query(statuses, app).stream()
                .filter(a -> severity == null || severity.equals(a.severity()) || severity.equals(a.labels().get("severity")))
                .filter(a -> alertname == null || alertname.equals(a.labels().getOrDefault("alertname", a.rule())))
                .toList();
        // Counted over every match, so a page showing the first `limit` still says how many fire.
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (AlertStatus s : AlertStatus.values()) {
            counts.put(s.name().toLowerCase(Locale.ROOT), 0);
        }
        found.forEach(a -> counts.merge(a.status().name().toLowerCase(Locale.ROOT), 1, Integer::sum));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", found.size());
        body.put("counts", counts);
        body.put("truncated", found.size() > limit);
        body.put("alerts", found.size() > limit ? found.subList(0, limit) : found);
        return body;
    }

    public Map<String, Object> series(Map<String, List<String>> query) {
        Params.known(query, SERIES_PARAMS, true);
        String metric = name(query, "metric", true);
        String app = name(query, "app", false);
        Map<String, String> labels = Params.labels(query);
        Set<String> stats = statistics(query);
        // Written series by series when the body is serialized: a chart of 1 000 series × 360 windows is tens of MB.
        String format = single(query, "format");
        if (format != null && !format.equals("windows") && !format.equals("columns")) {
            throw new BadParameter("format", "must be windows (the default) or columns");
        }
        SeriesView.Selection found = series.select(metric, app, labels, stats, "columns".equals(format));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("metric", metric);
        body.put("count", found.count());
        body.put("series", found);
        return body;
    }

    private static Set<String> statistics(Map<String, List<String>> query) {
        String stats = single(query, "stats");
        if (stats == null) {
            return null;
        }
        Set<String> names = new java.util.LinkedHashSet<>();
        for (String part : stats.split(",", -1)) {
            String name = part.trim();
            if (!SeriesView.STATISTICS.contains(name)) {
                throw new BadParameter("stats", "must be one or more of " + String.join(", ", SeriesView.STATISTICS) + " (comma-separated)");
            }
            names.add(name);
        }
        return names;
    }

    // The parameter rules live in Params (one place); these keep the short names the API classes use.
    static void known(Map<String, List<String>> query, Set<String> allowed) {
        Params.known(query, allowed, false);
    }

    static String single(Map<String, List<String>> query, String key) {
        return Params.single(query, key);
    }

    static String name(Map<String, List<String>> query, String key, boolean required) {
        return Params.name(query, key, required);
    }
}
