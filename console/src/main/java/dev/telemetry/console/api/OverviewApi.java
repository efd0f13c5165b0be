package dev.telemetry.console.api;

import dev.telemetry.console.overview.AcceptedEvents;
import dev.telemetry.console.overview.ProcessorLag;
import dev.telemetry.console.overview.ServiceHealth;
import dev.telemetry.console.view.AlertView;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.vitals.VitalBudgets;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@code GET /api/overview}: the start page. Everything here is read from what the background samplers and the
 * read model already hold; nothing is fetched on the request's thread.
 *
 * <pre>{@code
 * {"generatedAt": "...",
 *  "services": [{"name": "gateway", "url", "status": "healthy|degraded|unhealthy|down|not configured|unknown",
 *                "httpStatus", "latencyMs", "checkedAt", "checks", "version", "lastError", "lastErrorAt"}],
 *  "accepted": {"bucketSeconds": 60, "sampledAt", "error", "types": ["vitals", ...], "topics": {"vitals": "telemetry.vitals"},
 *               "buckets": [{"start", "total", "byType": {"vitals": 12}}]},
 *  "lag": {"group", "sampledAt", "total", "committedPartitions", "topics": [{"topic", "lag", "partitions", "internal"}], "error"},
 *  "alerts": {"firing": 1, "pending": 0, "firingAlerts": [AlertEvent, ...]},
 *  "budgets": {"pages": 3, "over": 1, "shown": [{"app", "page", "over", "vitals": [{"vital", "p75", "budget", "unit",
 *              "status": "ok|over|unknown", "count", "windowStart", "windowEnd"}]}]}}
 * }</pre>
 * Firing alerts and pages are cut at {@value #MAX_LISTED} (the counts are before the cut).
 */
public final class OverviewApi {

    static final int MAX_LISTED = 20;

    private final Supplier<List<ServiceHealth>> services;
    private final Supplier<ProcessorLag> lag;
    private final Supplier<String> acceptedError;
    private final AcceptedEvents accepted;
    private final Map<String, String> rawTopics;
    private final AlertView alerts;
    private final SeriesView series;
    private final Clock clock;

    /**
     * @param rawTopics event type → the raw topic whose end offsets count it
     */
    public OverviewApi(Supplier<List<ServiceHealth>> services, Supplier<ProcessorLag> lag, Supplier<String> acceptedError,
                       AcceptedEvents accepted, Map<String, String> rawTopics, AlertView alerts, SeriesView series,
                       Clock clock) {
        this.services = services;
        this.lag = lag;
        this.acceptedError = acceptedError;
        this.accepted = accepted;
        this.rawTopics = new LinkedHashMap<>(rawTopics);
        this.alerts = alerts;
        this.series = series;
        this.clock = clock;
    }

    public Map<String, Object> overview(Map<String, List<String>> query) {
        Params.known(query, Set.of(), false);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("generatedAt", clock.instant());
        body.put("services", services.get());
        body.put("accepted", accepted());
        body.put("lag", lag.get());
        body.put("alerts", alerts());
        body.put("budgets", budgets());
        return body;
    }

    private Map<String, Object> accepted() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bucketSeconds", accepted.bucket().toSeconds());
        out.put("sampledAt", accepted.lastSampleAt());
        out.put("error", acceptedError.get());
        List<AcceptedEvents.Bucket> buckets = accepted.buckets(clock.instant());
        // Every type sampled, in the catalogue's order, then any other seen (none today).
        Set<String> types = new TreeSet<>();
        buckets.forEach(b -> types.addAll(b.byType().keySet()));
        List<String> ordered = new java.util.ArrayList<>(rawTopics.keySet());
        types.stream().filter(t -> !ordered.contains(t)).forEach(ordered::add);
        out.put("types", ordered);
        out.put("topics", rawTopics);
        out.put("buckets", buckets);
        return out;
    }

    private Map<String, Object> alerts() {
        List<AlertEvent> firing = alerts.query(EnumSet.of(AlertStatus.FIRING), null);
        List<AlertEvent> pending = alerts.query(EnumSet.of(AlertStatus.PENDING), null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("firing", firing.size());
        out.put("pending", pending.size());
        out.put("firingAlerts", firing.size() > MAX_LISTED ? List.copyOf(firing.subList(0, MAX_LISTED)) : firing);
        return out;
    }

    private Map<String, Object> budgets() {
        List<VitalBudgets.PageStatus> pages = VitalBudgets.pages(series, null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pages", pages.size());
        out.put("over", pages.stream().filter(p -> p.over() > 0).count());
        out.put("budgets", VitalBudgets.BUDGETS);
        out.put("shown", pages.size() > MAX_LISTED ? List.copyOf(pages.subList(0, MAX_LISTED)) : pages);
        return out;
    }
}
