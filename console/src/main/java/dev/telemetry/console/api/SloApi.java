package dev.telemetry.console.api;

import static dev.telemetry.console.api.ConsoleApi.known;
import static dev.telemetry.console.api.ConsoleApi.name;

import dev.telemetry.console.view.AlertView;
import dev.telemetry.console.view.SloView;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.SloReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /api/slo?app=&slo=}: per SLO and app, the latest report of {@code telemetry.slo} (SLI, burn rates, budget
 * left, counts), its windows for the burn-down and burn-rate charts, its active {@code slo_burn_rate} alerts and the
 * burn-rate factors its alerts were evaluated against (from the alerts' thresholds; empty when none was seen).
 */
public final class SloApi {

    /** The processor's burn-rate alert name. */
    public static final String ALERT = "slo_burn_rate";
    private static final Set<String> PARAMS = Set.of("app", "slo");

    /**
     * One closed window.
     *
     * @param burnRates by window name (5m, 30m, 1h, 6h, 1d, 3d), in the report's order
     */
    public record Window(Instant windowStart, Instant windowEnd, Double sli, double budgetRemaining,
                         Map<String, Double> burnRates) {
    }

    /** A burn-rate alert's factor, as the processor evaluated it (the alert's threshold). */
    public record Factor(String longWindow, String shortWindow, String severity, double factor) {
    }

    /**
     * One SLO of one app.
     *
     * @param latest  the newest window's report
     * @param windows oldest first (at most views.max-windows-per-series, kept by the view)
     * @param alerts  its firing and pending {@code slo_burn_rate} alerts, firing first
     * @param factors by long window, from any of its burn-rate alerts held (firing, pending or resolved)
     */
    public record Slo(String app, String slo, String sliType, double objective, String period, SloReport latest,
                      List<Window> windows, List<AlertEvent> alerts, List<Factor> factors) {
    }

    private final SloView slos;
    private final AlertView alerts;

    public SloApi(SloView slos, AlertView alerts) {
        this.slos = slos;
        this.alerts = alerts;
    }

    public Map<String, Object> slo(Map<String, List<String>> query) {
        known(query, PARAMS);
        String app = name(query, "app", false);
        String slo = name(query, "slo", false);
        List<AlertEvent> burnAlerts = alerts.query(EnumSet.noneOf(AlertStatus.class), app).stream()
                .filter(a -> ALERT.equals(a.rule()) || ALERT.equals(a.labels().get("alertname")))
                .toList();
        List<Slo> found = new ArrayList<>();
        long firing = 0;
        for (SloView.Slo s : slos.query(app, slo)) {
            List<Window> windows = new ArrayList<>(s.reports().size());
            for (SloReport r : s.reports()) {
                windows.add(new Window(r.windowStart(), r.windowEnd(), r.sli(), r.budgetRemaining(), rates(r)));
            }
            List<AlertEvent> active = new ArrayList<>();
            Map<String, Factor> factors = new TreeMap<>();
            for (AlertEvent a : burnAlerts) {
                if (!s.slo().equals(a.labels().get("slo")) || !s.app().equals(a.labels().get("app"))) {
                    continue;
                }
                if (a.status() != AlertStatus.RESOLVED) {
                    active.add(a);
                }
                String longWindow = a.labels().get("long_window");
                if (longWindow != null) {
                    factors.putIfAbsent(longWindow, new Factor(longWindow, a.labels().get("short_window"),
                            a.labels().get("severity"), a.threshold()));
                }
            }
            firing += active.stream().filter(a -> a.status() == AlertStatus.FIRING).count();
            SloReport latest = s.latest();
            List<Factor> byFactor = new ArrayList<>(factors.values());
            byFactor.sort(Comparator.comparingDouble(Factor::factor).reversed());
            found.add(new Slo(s.app(), s.slo(), latest.sliType(), latest.objective(), latest.period(), latest,
                    windows, active, byFactor));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", found.size());
        body.put("exhausted", found.stream().filter(s -> s.latest().budgetRemaining() <= 0).count());
        body.put("firing", firing);
        body.put("slos", ConsoleApi.cut(found));
        return body;
    }

    private static Map<String, Double> rates(SloReport r) {
        Map<String, Double> out = new LinkedHashMap<>();
        r.burnRates().forEach(b -> out.put(b.window(), b.burnRate()));
        return out;
    }
}
