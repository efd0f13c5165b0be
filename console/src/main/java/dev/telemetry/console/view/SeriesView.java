package dev.telemetry.console.view;

import dev.telemetry.events.derived.Summary;
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
 * The summaries of {@code telemetry.summaries}, per series (app + series) and window, bounded three ways:
 * windows that ended before {@code now - retention} are dropped, each series keeps its newest
 * {@code maxWindowsPerSeries} windows, and at most {@code maxSeries} series are kept (a new one evicts the
 * series whose latest window is oldest). A window seen again (a replay) replaces the one it had.
 *
 * <p>Thread-safe: the consumer thread writes, HTTP threads read; every method holds the view's lock, which
 * is short (reads copy what they return).
 */
public final class SeriesView {

    private final Duration retention;
    private final int maxSeries;
    private final int maxWindowsPerSeries;
    private final Clock clock;
    private final Map<String, Entry> series = new HashMap<>();
    private long evictedSeries;

    public SeriesView(Duration retention, int maxSeries, int maxWindowsPerSeries, Clock clock) {
        if (retention.isNegative() || retention.isZero() || maxSeries <= 0 || maxWindowsPerSeries <= 0) {
            throw new IllegalArgumentException("retention and caps must be positive");
        }
        this.retention = retention;
        this.maxSeries = maxSeries;
        this.maxWindowsPerSeries = maxWindowsPerSeries;
        this.clock = clock;
    }

    private static final class Entry {
        final String app;
        final String metric;
        final String series;
        final Map<String, String> labels;
        final TreeMap<Instant, WindowStats> windows = new TreeMap<>();

        Entry(Summary s) {
            this.app = s.app();
            this.metric = s.metric();
            this.series = s.series();
            this.labels = s.labels();
        }

        Instant latestEnd() {
            return windows.isEmpty() ? Instant.MIN : windows.lastEntry().getValue().windowEnd();
        }
    }

    /** Adds one summary; false when it was too old to keep (or evicted at once as the oldest series). */
    public synchronized boolean add(Summary summary) {
        if (summary == null || summary.windowStart() == null || summary.windowEnd() == null
                || summary.app() == null || summary.series() == null) {
            return false;
        }
        Instant cutoff = cutoff();
        if (summary.windowEnd().isBefore(cutoff)) {
            return false;
        }
        String key = summary.key();
        Entry entry = series.get(key);
        if (entry == null) {
            if (series.size() >= maxSeries) {
                prune(cutoff);
            }
            if (series.size() >= maxSeries) {
                Entry oldest = series.values().stream().min(Comparator.comparing(Entry::latestEnd)).orElseThrow();
                if (!oldest.latestEnd().isBefore(summary.windowEnd())) {
                    // Every kept series is at least as recent as this one: keep them, drop the newcomer.
                    evictedSeries++;
                    return false;
                }
                series.remove(oldest.app + "|" + oldest.series);
                evictedSeries++;
            }
            entry = new Entry(summary);
            series.put(key, entry);
        }
        entry.windows.put(summary.windowStart(), WindowStats.of(summary));
        while (entry.windows.size() > maxWindowsPerSeries) {
            entry.windows.pollFirstEntry();
        }
        return true;
    }

    /** Drops windows older than the retention, and series left without windows. */
    public synchronized void prune() {
        prune(cutoff());
    }

    private void prune(Instant cutoff) {
        series.values().removeIf(e -> {
            e.windows.values().removeIf(w -> w.windowEnd().isBefore(cutoff));
            return e.windows.isEmpty();
        });
    }

    /**
     * The series of {@code metric}, of {@code app} when not null, with their windows within the retention,
     * oldest first; series sorted by app, then series.
     */
    public synchronized List<SeriesData> query(String metric, String app) {
        Instant cutoff = cutoff();
        List<SeriesData> out = new ArrayList<>();
        for (Entry e : series.values()) {
            if (!e.metric.equals(metric) || (app != null && !e.app.equals(app))) {
                continue;
            }
            List<WindowStats> windows = new ArrayList<>(e.windows.size());
            for (WindowStats w : e.windows.values()) {
                if (!w.windowEnd().isBefore(cutoff)) {
                    windows.add(w);
                }
            }
            if (!windows.isEmpty()) {
                out.add(new SeriesData(e.app, e.metric, e.series, e.labels, windows));
            }
        }
        out.sort(Comparator.comparing(SeriesData::app).thenComparing(SeriesData::series));
        return out;
    }

    public synchronized int seriesCount() {
        return series.size();
    }

    public synchronized long windowCount() {
        long n = 0;
        for (Entry e : series.values()) {
            n += e.windows.size();
        }
        return n;
    }

    /** Series dropped or refused because of {@code maxSeries}. */
    public synchronized long evictedSeries() {
        return evictedSeries;
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }

    /** Every kept series' identity, without windows (the metrics catalogue): one short pass, no window copied. */
    public synchronized List<SeriesIdentity> identities() {
        List<SeriesIdentity> out = new ArrayList<>(series.size());
        for (Entry e : series.values()) {
            out.add(new SeriesIdentity(e.app, e.metric, e.series, e.labels, e.windows.size(), e.latestEnd()));
        }
        return out;
    }
}
