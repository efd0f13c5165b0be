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
 * {@code now - retention} are dropped. Each record names up to the processor's top N targets (selectors of up to 256
 * characters, top N up to 1 000), so the triples and windows alone would allow gigabytes: at most {@code maxEntries}
 * records and named targets are held in all (a record counts 1 plus its targets), the oldest windows of any triple
 * dropped first. Thread-safe (one lock; reads copy).
 */
public final class VitalOffendersView {

    private final Duration retention;
    private final int maxKeys;
    private final int maxWindows;
    private final long maxEntries;
    private final Clock clock;
    /** Records held plus the targets they name. */
    private long entries;
    private final Map<String, TreeMap<Instant, VitalOffenders>> byKey = new HashMap<>();
    private long evicted;

    public VitalOffendersView(Duration retention, int maxKeys, int maxWindows, long maxEntries, Clock clock) {
        if (retention.isNegative() || retention.isZero() || maxKeys <= 0 || maxWindows <= 0 || maxEntries <= 0) {
            throw new IllegalArgumentException("retention and caps must be positive");
        }
        this.retention = retention;
        this.maxKeys = maxKeys;
        this.maxWindows = maxWindows;
        this.maxEntries = maxEntries;
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
        entries += weight(record) - weight(had);
        while (windows.size() > maxWindows) {
            entries -= weight(windows.pollFirstEntry().getValue());
        }
        while (entries > maxEntries && dropOldestWindow()) {
            // the oldest window of any triple goes first
        }
        return !record.equals(had) && windows.containsValue(record);
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
            windows.values().removeIf(r -> {
                boolean old = r.windowEnd().isBefore(cutoff);
                if (old) {
                    entries -= weight(r);
                }
                return old;
            });
            return windows.isEmpty();
        });
    }

    /** Records held plus the targets they name: at most {@code maxEntries}. */
    public synchronized long entries() {
        return entries;
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
            byKey.remove(oldest).values().forEach(r -> entries -= weight(r));
            evicted++;
        }
    }

    /** Drops the oldest window held of any triple (and the triple when it was its last); false when none is held. */
    private boolean dropOldestWindow() {
        Map.Entry<String, TreeMap<Instant, VitalOffenders>> oldest = byKey.entrySet().stream()
                .min(Comparator.comparing(e -> e.getValue().firstKey())).orElse(null);
        if (oldest == null) {
            return false;
        }
        entries -= weight(oldest.getValue().pollFirstEntry().getValue());
        if (oldest.getValue().isEmpty()) {
            byKey.remove(oldest.getKey());
        }
        return true;
    }

    /** What a record counts against {@code maxEntries}: itself and each target it names; 0 for none. */
    private static long weight(VitalOffenders record) {
        return record == null ? 0 : 1 + (record.offenders() == null ? 0 : record.offenders().size());
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }
}
