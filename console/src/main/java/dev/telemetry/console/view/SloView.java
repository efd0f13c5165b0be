package dev.telemetry.console.view;

import dev.telemetry.events.derived.SloReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The processor's SLO reports from {@code telemetry.slo}: per SLO and app, one report per closed window (a window
 * reported again, e.g. after the processor restarted, replaces the one held).
 *
 * <p>Bounded: at most {@code maxSlos} SLO/app pairs (a new one evicts the pair whose latest window is oldest), at
 * most {@code maxWindows} reports per pair (the newest), and reports whose window ended before {@code now - retention}
 * are dropped. Thread-safe (one lock; reads copy).
 */
public final class SloView {

    /** One SLO of one app: its reports, oldest window first. */
    public record Slo(String app, String slo, List<SloReport> reports) {

        public SloReport latest() {
            return reports.get(reports.size() - 1);
        }
    }

    private final Duration retention;
    private final int maxSlos;
    private final int maxWindows;
    private final Clock clock;
    private final Map<String, TreeMap<Instant, SloReport>> bySlo = new HashMap<>();
    private long evicted;

    public SloView(Duration retention, int maxSlos, int maxWindows, Clock clock) {
        if (retention.isNegative() || retention.isZero() || maxSlos <= 0 || maxWindows <= 0) {
            throw new IllegalArgumentException("retention and caps must be positive");
        }
        this.retention = retention;
        this.maxSlos = maxSlos;
        this.maxWindows = maxWindows;
        this.clock = clock;
    }

    /** One report; false when it is unusable, older than the retention, or the same as the one held. */
    public synchronized boolean add(SloReport report) {
        if (report == null || report.app() == null || report.slo() == null || report.windowEnd() == null
                || report.windowEnd().isBefore(cutoff())) {
            return false;
        }
        String key = report.key();
        TreeMap<Instant, SloReport> windows = bySlo.get(key);
        if (windows == null) {
            makeRoom();
            windows = new TreeMap<>();
            bySlo.put(key, windows);
        } else if (windows.size() >= maxWindows && report.windowEnd().isBefore(windows.firstKey())) {
            return false; // older than every window a full series keeps
        }
        SloReport had = windows.put(report.windowEnd(), report);
        while (windows.size() > maxWindows) {
            windows.pollFirstEntry();
        }
        return !report.equals(had);
    }

    /** The SLOs of {@code app} and named {@code slo} (null: any), by app, then SLO name. */
    public synchronized List<Slo> query(String app, String slo) {
        Instant cutoff = cutoff();
        List<Slo> out = new ArrayList<>();
        for (TreeMap<Instant, SloReport> windows : bySlo.values()) {
            SloReport any = windows.lastEntry().getValue();
            if ((app != null && !app.equals(any.app())) || (slo != null && !slo.equals(any.slo()))) {
                continue;
            }
            List<SloReport> kept = List.copyOf(windows.tailMap(cutoff, true).values());
            if (!kept.isEmpty()) {
                out.add(new Slo(any.app(), any.slo(), kept));
            }
        }
        out.sort(Comparator.comparing(Slo::app).thenComparing(Slo::slo));
        return out;
    }

    public synchronized void prune() {
        Instant cutoff = cutoff();
        bySlo.values().removeIf(windows -> {
            windows.headMap(cutoff, false).clear();
            return windows.isEmpty();
        });
    }

    /** SLO/app pairs held. */
    public synchronized int size() {
        return bySlo.size();
    }

    /** Reports held over all pairs. */
    public synchronized int reportCount() {
        return bySlo.values().stream().mapToInt(Map::size).sum();
    }

    /** Pairs dropped because of the cap. */
    public synchronized long evicted() {
        return evicted;
    }

    private void makeRoom() {
        if (bySlo.size() < maxSlos) {
            return;
        }
        prune();
        while (bySlo.size() >= maxSlos) {
            String oldest = bySlo.entrySet().stream()
                    .min(Comparator.comparing(e -> e.getValue().lastKey())).orElseThrow().getKey();
            bySlo.remove(oldest);
            evicted++;
        }
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }
}
