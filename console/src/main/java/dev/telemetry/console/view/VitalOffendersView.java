package dev.telemetry.console.view;

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
 * The processor's top offenders from {@code telemetry.vitals-attribution}: per app, page and vital, one record per
 * closed window (a window published again replaces the one held).
 *
 * <p>Bounded like {@link SloView}: at most {@code maxKeys} app/page/vital triples (a new one evicts the triple whose
 * latest window is oldest), at most {@code maxWindows} windows per triple (the newest), and windows that ended before
 * {@code now - retention} are dropped. Thread-safe (one lock; reads copy).
 */
public final class VitalOffendersView {

    private final Duration retention;
    private final int maxKeys;
    private final int maxWindows;
    private final Clock clock;
    private final Map<String, TreeMap<Instant, VitalOffenders>> byKey = new HashMap<>();
    private long evicted;

    public VitalOffendersView(Duration retention, int maxKeys, int maxWindows, Clock clock) {
        if (retention.isNegative() || retention.isZero() || maxKeys <= 0 || maxWindows <= 0) {
            throw new IllegalArgumentException("retention and caps must be positive");
        }
        this.retention = retention;
        this.maxKeys = maxKeys;
        this.maxWindows = maxWindows;
        this.clock = clock;
    }

    /** One record; false when it is unusable, older than the retention, or the same as the one held. */
    public synchronized boolean add(VitalOffenders record) {
        if (record == null || record.app() == null || record.vital() == null || record.windowStart() == null
                || record.windowEnd() == null || record.windowEnd().isBefore(cutoff())) {
            return false;
        }
        if (record.page() == null) {
            record = new VitalOffenders(record.schemaVersion(), record.app(), "", record.vital(), record.windowStart(),
                    record.windowEnd(), record.poorCount(), record.offenders());
        }
        String key = record.key();
        TreeMap<Instant, VitalOffenders> windows = byKey.get(key);
        if (windows == null) {
            makeRoom();
            windows = new TreeMap<>();
            byKey.put(key, windows);
        } else if (windows.size() >= maxWindows && record.windowStart().isBefore(windows.firstKey())) {
            return false; // older than every window a full triple keeps
        }
        VitalOffenders had = windows.put(record.windowStart(), record);
        while (windows.size() > maxWindows) {
            windows.pollFirstEntry();
        }
        return !record.equals(had);
    }

    /**
     * The records of {@code app}, {@code page} (the record's own page, "" for none) and {@code vital} (null: any),
     * whose window ended at or after {@code since} (null: every one held), oldest window first, per triple; triples
     * by app, page, vital.
     */
    public synchronized List<List<VitalOffenders>> query(String app, String page, String vital, Instant since) {
        Instant cutoff = since == null || since.isBefore(cutoff()) ? cutoff() : since;
        List<List<VitalOffenders>> out = new ArrayList<>();
        for (TreeMap<Instant, VitalOffenders> windows : byKey.values()) {
            VitalOffenders any = windows.lastEntry().getValue();
            if ((app != null && !app.equals(any.app())) || (page != null && !page.equals(any.page()))
                    || (vital != null && !vital.equals(any.vital()))) {
                continue;
            }
            List<VitalOffenders> kept = windows.values().stream().filter(r -> !r.windowEnd().isBefore(cutoff)).toList();
            if (!kept.isEmpty()) {
                out.add(kept);
            }
        }
        out.sort(Comparator.<List<VitalOffenders>, String>comparing(l -> l.get(0).app())
                .thenComparing(l -> l.get(0).page()).thenComparing(l -> l.get(0).vital()));
        return out;
    }

    public synchronized void prune() {
        Instant cutoff = cutoff();
        byKey.values().removeIf(windows -> {
            windows.values().removeIf(r -> r.windowEnd().isBefore(cutoff));
            return windows.isEmpty();
        });
    }

    /** App/page/vital triples held. */
    public synchronized int size() {
        return byKey.size();
    }

    /** Triples dropped because of the cap. */
    public synchronized long evicted() {
        return evicted;
    }

    private void makeRoom() {
        if (byKey.size() < maxKeys) {
            return;
        }
        prune();
        while (byKey.size() >= maxKeys) {
            String oldest = byKey.entrySet().stream()
                    .min(Comparator.comparing(e -> e.getValue().lastKey())).orElseThrow().getKey();
            byKey.remove(oldest);
            evicted++;
        }
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }
}
