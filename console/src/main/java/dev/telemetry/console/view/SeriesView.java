package dev.telemetry.console.view;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import dev.telemetry.events.derived.Summary;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The summaries of {@code telemetry.summaries}, per series (app + series) and window, bounded three ways:
 * windows that ended before {@code now - retention} are dropped, each series keeps its newest
 * {@code maxWindowsPerSeries} windows, and at most {@code maxSeries} series are kept (a new one evicts the
 * series whose latest window is oldest). A window seen again (a replay) replaces the one it had.
 *
 * <p>Compact on purpose: at the shipped caps (2 000 series × 360 windows) this is most of the console's heap. A
 * series keeps its windows in one {@code long[]}, a ring of fixed-size slots sorted by window start (times as epoch
 * milliseconds, doubles as their bits, an absent percentile as NaN, ratings only in series that have them): 96 bytes a
 * window (120 with ratings) instead of a {@code WindowStats} with its {@code Instant}s and boxed percentiles
 * (~250 bytes). Series are indexed by metric, so a query reads only its metric's series.
 *
 * <p>Thread-safe: the consumer thread writes, HTTP threads read; every method holds the view's lock, which
 * is short. {@link #select} hands out a {@link Selection} that writes its JSON one series at a time, taking the lock
 * only to copy that series' windows, so a chart of a thousand series is never copied whole nor holds the lock while
 * it goes over the network.
 */
public final class SeriesView {

    // The slot of one window: these longs, then (in series with ratings) good, needs-improvement, poor.
    private static final int START = 0;
    private static final int END = 1;
    private static final int COUNT = 2;
    private static final int SUM = 3;
    private static final int MIN = 4;
    private static final int MAX = 5;
    private static final int MEAN = 6;
    private static final int P50 = 7;
    private static final int P75 = 8;
    private static final int P90 = 9;
    private static final int P95 = 10;
    private static final int P99 = 11;
    private static final int GOOD = 12;
    private static final int NEEDS_IMPROVEMENT = 13;
    private static final int POOR = 14;
    private static final int PLAIN = 12;
    private static final int WITH_RATINGS = 15;
    /** An absent percentile (records written before percentiles existed); NaN never arrives in JSON. */
    private static final long ABSENT = Double.doubleToRawLongBits(Double.NaN);
    /** The statistics a window carries, by the names the API and alert rules use. */
    public static final List<String> STATISTICS = List.of("count", "sum", "min", "max", "mean", "p50", "p75", "p90", "p95", "p99", "ratings");
    private static final int[] STAT_SLOT = {COUNT, SUM, MIN, MAX, MEAN, P50, P75, P90, P95, P99, GOOD};

    private final Duration retention;
    private final int maxSeries;
    private final int maxWindowsPerSeries;
    private final Clock clock;
    private final Map<String, Entry> series = new HashMap<>();
    private final Map<String, Set<Entry>> byMetric = new HashMap<>();
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
        /** Slots of {@code stride} longs; logical window i (oldest first) is at slot (head + i) % capacity. */
        long[] data;
        int stride;
        int head;
        int size;

        Entry(Summary s) {
            this.app = s.app();
            this.metric = s.metric();
            this.series = s.series();
            this.labels = s.labels();
            this.stride = s.ratings() == null ? PLAIN : WITH_RATINGS;
            this.data = new long[4 * stride];
        }

        String key() {
            return app + "|" + series;
        }

        int capacity() {
            return data.length / stride;
        }

        /** Offset in {@code data} of logical window i. */
        int at(int i) {
            int slot = head + i;
            int capacity = capacity();
            return (slot >= capacity ? slot - capacity : slot) * stride;
        }

        long latestEndMillis() {
            return size == 0 ? Long.MIN_VALUE : data[at(size - 1) + END];
        }

        Instant latestEnd() {
            return size == 0 ? Instant.MIN : Instant.ofEpochMilli(latestEndMillis());
        }

        int windowCount() {
            return size;
        }

        /** Logical index of the window starting at {@code start}, or {@code -(insertion point) - 1}. */
        int find(long start) {
            int lo = 0;
            int hi = size - 1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                long s = data[at(mid) + START];
                if (s < start) {
                    lo = mid + 1;
                } else if (s > start) {
                    hi = mid - 1;
                } else {
                    return mid;
                }
            }
            return -lo - 1;
        }

        void put(Summary s, int maxWindows) {
            if (s.ratings() != null && stride == PLAIN) {
                relayout(capacity(), WITH_RATINGS);
            }
            long start = s.windowStart().toEpochMilli();
            if (size > 0 && start > data[at(size - 1) + START]) {
                append(s, maxWindows);
                return;
            }
            int i = find(start);
            if (i >= 0) {
                write(at(i), s); // a replayed window replaces the one kept
                return;
            }
            int insert = -i - 1;
            if (size >= maxWindows) {
                if (insert == 0) {
                    return; // older than every kept window of a full series: the newest are kept
                }
                dropOldest();
                insert--;
            }
            grow(size + 1, maxWindows);
            for (int k = size; k > insert; k--) {
                System.arraycopy(data, at(k - 1), data, at(k), stride);
            }
            size++;
            write(at(insert), s);
        }

        private void append(Summary s, int maxWindows) {
            if (size >= maxWindows) {
                dropOldest();
            }
            grow(size + 1, maxWindows);
            size++;
            write(at(size - 1), s);
        }

        void dropOldest() {
            head = head + 1 == capacity() ? 0 : head + 1;
            size--;
        }

        private void grow(int needed, int maxWindows) {
            if (needed > capacity()) {
                relayout(Math.min(Math.max(capacity() * 2, needed), Math.max(maxWindows, needed)), stride);
            }
        }

        /** Copies the windows, oldest first, into new slots of {@code newStride} longs (ratings marked absent). */
        void relayout(int newCapacity, int newStride) {
            long[] next = new long[newCapacity * newStride];
            for (int i = 0; i < size; i++) {
                System.arraycopy(data, at(i), next, i * newStride, stride);
                if (newStride > stride) {
                    next[i * newStride + GOOD] = -1;
                }
            }
            data = next;
            stride = newStride;
            head = 0;
        }

        private void write(int o, Summary s) {
            data[o + START] = s.windowStart().toEpochMilli();
            data[o + END] = s.windowEnd().toEpochMilli();
            data[o + COUNT] = s.count();
            data[o + SUM] = Double.doubleToRawLongBits(s.sum());
            data[o + MIN] = Double.doubleToRawLongBits(s.min());
            data[o + MAX] = Double.doubleToRawLongBits(s.max());
            data[o + MEAN] = Double.doubleToRawLongBits(s.mean());
            data[o + P50] = bits(s.p50());
            data[o + P75] = bits(s.p75());
            data[o + P90] = bits(s.p90());
            data[o + P95] = bits(s.p95());
            data[o + P99] = bits(s.p99());
            if (stride == WITH_RATINGS) {
                Summary.Ratings r = s.ratings();
                data[o + GOOD] = r == null ? -1 : r.good();
                data[o + NEEDS_IMPROVEMENT] = r == null ? 0 : r.needsImprovement();
                data[o + POOR] = r == null ? 0 : r.poor();
            }
        }

        /** Drops the windows that ended before the cutoff (the oldest ones); true when none is left. */
        boolean expire(long cutoff) {
            while (size > 0 && data[at(0) + END] < cutoff) {
                dropOldest();
            }
            if (size > 0 && size <= capacity() / 4 && capacity() > 8) {
                relayout(capacity() / 2, stride); // a series that went quiet gives its room back
            }
            return size == 0;
        }

        /** Copies the windows that ended at or after the cutoff, oldest first, into {@code out}; returns how many. */
        int copyTo(long[] out, long cutoff) {
            int n = 0;
            for (int i = 0; i < size; i++) {
                int o = at(i);
                if (data[o + END] >= cutoff) {
                    System.arraycopy(data, o, out, n * stride, stride);
                    n++;
                }
            }
            return n;
        }
    }

    private static long bits(Double value) {
        return value == null ? ABSENT : Double.doubleToRawLongBits(value);
    }

    private static Double boxed(long bits) {
        return bits == ABSENT ? null : Double.longBitsToDouble(bits);
    }

    /** Adds one summary; false when it was too old to keep (or evicted at once as the oldest series). */
    public synchronized boolean add(Summary summary) {
        if (summary == null || summary.windowStart() == null || summary.windowEnd() == null
                || summary.app() == null || summary.series() == null || summary.metric() == null) {
            return false;
        }
        long cutoff = cutoffMillis();
        if (summary.windowEnd().toEpochMilli() < cutoff) {
            return false;
        }
        String key = summary.key();
        Entry entry = series.get(key);
        if (entry == null) {
            if (series.size() >= maxSeries) {
                prune(cutoff);
            }
            if (series.size() >= maxSeries) {
                // A linear scan of the series (not of their windows): cheap next to decoding the record.
                Entry oldest = null;
                for (Entry e : series.values()) {
                    if (oldest == null || e.latestEndMillis() < oldest.latestEndMillis()) {
                        oldest = e;
                    }
                }
                if (oldest.latestEndMillis() >= summary.windowEnd().toEpochMilli()) {
                    // Every kept series is at least as recent as this one: keep them, drop the newcomer.
                    evictedSeries++;
                    return false;
                }
                remove(oldest);
                evictedSeries++;
            }
            entry = new Entry(summary);
            series.put(key, entry);
            byMetric.computeIfAbsent(entry.metric, m -> new HashSet<>()).add(entry);
        }
        entry.put(summary, maxWindowsPerSeries);
        return true;
    }

    private void remove(Entry e) {
        series.remove(e.key());
        Set<Entry> same = byMetric.get(e.metric);
        if (same != null) {
            same.remove(e);
            if (same.isEmpty()) {
                byMetric.remove(e.metric);
            }
        }
    }

    /** Drops windows older than the retention, and series left without windows. */
    public synchronized void prune() {
        prune(cutoffMillis());
    }

    private void prune(long cutoff) {
        List<Entry> empty = new ArrayList<>();
        for (Entry e : series.values()) {
            if (e.expire(cutoff)) {
                empty.add(e);
            }
        }
        empty.forEach(this::remove);
    }

    /**
     * The series of {@code metric}, of {@code app} when not null, with their windows within the retention,
     * oldest first; series sorted by app, then series.
     */
    public synchronized List<SeriesData> query(String metric, String app) {
        long cutoff = cutoffMillis();
        List<SeriesData> out = new ArrayList<>();
        long[] buffer = new long[maxWindowsPerSeries * WITH_RATINGS];
        for (Entry e : selected(metric, app)) {
            int n = e.copyTo(buffer, cutoff);
            if (n == 0) {
                continue;
            }
            List<WindowStats> windows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                windows.add(stats(buffer, i * e.stride, e.stride));
            }
            out.add(new SeriesData(e.app, e.metric, e.series, e.labels, windows));
        }
        return out;
    }

    private static WindowStats stats(long[] d, int o, int stride) {
        Summary.Ratings ratings = stride == WITH_RATINGS && d[o + GOOD] >= 0
                ? new Summary.Ratings(d[o + GOOD], d[o + NEEDS_IMPROVEMENT], d[o + POOR]) : null;
        return new WindowStats(Instant.ofEpochMilli(d[o + START]), Instant.ofEpochMilli(d[o + END]), d[o + COUNT],
                Double.longBitsToDouble(d[o + SUM]), Double.longBitsToDouble(d[o + MIN]), Double.longBitsToDouble(d[o + MAX]),
                Double.longBitsToDouble(d[o + MEAN]), boxed(d[o + P50]), boxed(d[o + P75]), boxed(d[o + P90]),
                boxed(d[o + P95]), boxed(d[o + P99]), ratings);
    }

    /** The metric's series (of the app, when given) with at least one window within the retention, sorted. */
    private List<Entry> selected(String metric, String app) {
        return selected(metric, app, Map.of());
    }

    /** The metric's live series of the app (any when null) whose labels include every one of {@code labels}. */
    private List<Entry> selected(String metric, String app, Map<String, String> labels) {
        long cutoff = cutoffMillis();
        List<Entry> out = new ArrayList<>();
        for (Entry e : byMetric.getOrDefault(metric, Set.of())) {
            if ((app == null || e.app.equals(app)) && e.latestEndMillis() >= cutoff && hasLabels(e.labels, labels)) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparing((Entry e) -> e.app).thenComparing(e -> e.series));
        return out;
    }

    /**
     * What {@link #query} answers, as a JSON array written when serialized (Jackson calls it, e.g. inside the API's
     * body), in the same shape as a list of {@link SeriesData} with null fields left out; {@code statistics} (names
     * from {@link #STATISTICS}; null for all) says which statistics each window carries besides its start and end.
     */
    public Selection select(String metric, String app, Set<String> statistics) {
        return select(metric, app, statistics, false);
    }

    /**
     * The same, and with {@code columns} each series carries, instead of {@code windows}, one array per field, window
     * times as epoch seconds and statistics rounded to 6 significant digits ({@link #chartPrecision}; counts exact):
     * {@code {"app", "metric", "series", "labels", "windowStart": [s, ...], "windowEnd": [s, ...], "p95": [v | null, ...],
     * "ratings": [{good, needsImprovement, poor} | null, ...]}} — what a chart draws, in uPlot's own layout, at a fifth
     * of the bytes of the window objects for one statistic.
     */
    public Selection select(String metric, String app, Set<String> statistics, boolean columns) {
        return select(metric, app, Map.of(), statistics, columns);
    }

    /** The same, only the series whose labels include every one of {@code labels} (the API's label.key=value). */
    public synchronized Selection select(String metric, String app, Map<String, String> labels, Set<String> statistics,
                                         boolean columns) {
        if (statistics != null && !STATISTICS.containsAll(statistics)) {
            throw new IllegalArgumentException("unknown statistic in " + statistics + " (known: " + STATISTICS + ")");
        }
        boolean[] wanted = new boolean[STATISTICS.size()];
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = statistics == null || statistics.contains(STATISTICS.get(i));
        }
        return new Selection(selected(metric, app, labels), wanted, columns);
    }

    private static boolean hasLabels(Map<String, String> have, Map<String, String> wanted) {
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            if (!w.getValue().equals(have.get(w.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** The series of one query, written to JSON one at a time; see {@link #select}. */
    public final class Selection implements JsonSerializable {

        private final List<Entry> entries;
        private final boolean[] wanted;
        private final boolean columns;

        private Selection(List<Entry> entries, boolean[] wanted, boolean columns) {
            this.entries = entries;
            this.wanted = wanted;
            this.columns = columns;
        }

        /** How many series were selected (each is written, even if its last window expires meanwhile). */
        public int count() {
            return entries.size();
        }

        @Override
        public void serialize(JsonGenerator g, SerializerProvider provider) throws IOException {
            // Schubfach instead of Double.toString: a chart of a thousand series is millions of doubles.
            g.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature());
            long[] buffer = new long[maxWindowsPerSeries * WITH_RATINGS];
            // Window times repeat across the series of one metric: each is formatted once per answer.
            Map<Long, String> times = new HashMap<>();
            g.writeStartArray();
            for (Entry e : entries) {
                int n;
                int stride;
                synchronized (SeriesView.this) {
                    n = e.copyTo(buffer, cutoffMillis());
                    stride = e.stride;
                }
                g.writeStartObject();
                g.writeStringField("app", e.app);
                g.writeStringField("metric", e.metric);
                g.writeStringField("series", e.series);
                g.writeObjectFieldStart("labels");
                for (Map.Entry<String, String> label : e.labels.entrySet()) {
                    g.writeStringField(label.getKey(), label.getValue());
                }
                g.writeEndObject();
                if (columns) {
                    writeColumns(g, buffer, n, stride);
                } else {
                    g.writeArrayFieldStart("windows");
                    for (int i = 0; i < n; i++) {
                        writeWindow(g, buffer, i * stride, stride, times);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
        }

        private void writeColumns(JsonGenerator g, long[] d, int n, int stride) throws IOException {
            g.writeArrayFieldStart("windowStart");
            for (int i = 0; i < n; i++) {
                writeSeconds(g, d[i * stride + START]);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("windowEnd");
            for (int i = 0; i < n; i++) {
                writeSeconds(g, d[i * stride + END]);
            }
            g.writeEndArray();
            for (int s = 0; s < STAT_SLOT.length; s++) {
                if (!wanted[s]) {
                    continue;
                }
                int slot = STAT_SLOT[s];
                g.writeArrayFieldStart(STATISTICS.get(s));
                for (int i = 0; i < n; i++) {
                    int o = i * stride;
                    if (slot == COUNT) {
                        g.writeNumber(d[o + COUNT]);
                    } else if (slot == GOOD) {
                        if (stride == WITH_RATINGS && d[o + GOOD] >= 0) {
                            g.writeStartObject();
                            g.writeNumberField("good", d[o + GOOD]);
                            g.writeNumberField("needsImprovement", d[o + NEEDS_IMPROVEMENT]);
                            g.writeNumberField("poor", d[o + POOR]);
                            g.writeEndObject();
                        } else {
                            g.writeNull();
                        }
                    } else if (d[o + slot] == ABSENT) {
                        g.writeNull();
                    } else {
                        g.writeNumber(chartPrecision(Double.longBitsToDouble(d[o + slot])));
                    }
                }
                g.writeEndArray();
            }
        }

        /** Epoch seconds, as uPlot's time axis takes them (with the milliseconds as a fraction when there are any). */
        private static void writeSeconds(JsonGenerator g, long millis) throws IOException {
            if (millis % 1000 == 0) {
                g.writeNumber(millis / 1000);
            } else {
                g.writeNumber(millis / 1000.0);
            }
        }

        private void writeWindow(JsonGenerator g, long[] d, int o, int stride, Map<Long, String> times) throws IOException {
            g.writeStartObject();
            g.writeStringField("windowStart", time(d[o + START], times));
            g.writeStringField("windowEnd", time(d[o + END], times));
            for (int s = 0; s < STAT_SLOT.length; s++) {
                if (!wanted[s]) {
                    continue;
                }
                int slot = STAT_SLOT[s];
                if (slot == COUNT) {
                    g.writeNumberField("count", d[o + COUNT]);
                } else if (slot == GOOD) {
                    if (stride == WITH_RATINGS && d[o + GOOD] >= 0) {
                        g.writeObjectFieldStart("ratings");
                        g.writeNumberField("good", d[o + GOOD]);
                        g.writeNumberField("needsImprovement", d[o + NEEDS_IMPROVEMENT]);
                        g.writeNumberField("poor", d[o + POOR]);
                        g.writeEndObject();
                    }
                } else if (d[o + slot] != ABSENT) {
                    g.writeNumberField(STATISTICS.get(s), Double.longBitsToDouble(d[o + slot]));
                }
            }
            g.writeEndObject();
        }

        private String time(long millis, Map<Long, String> times) {
            if (times.size() > 10_000) {
                times.clear();
            }
            return times.computeIfAbsent(millis, m -> Instant.ofEpochMilli(m).toString());
        }

        @Override
        public void serializeWithType(JsonGenerator g, SerializerProvider provider, TypeSerializer typeSer) throws IOException {
            serialize(g, provider);
        }
    }

    private static final double[] POWERS_OF_TEN = new double[23];

    static {
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = Double.parseDouble("1e" + i);
        }
    }

    /**
     * The value rounded to 6 significant digits: what the columns (a chart's data) carry. A percentile is within 1 % of
     * the true value anyway (DDSketch) and a chart is a few hundred pixels high, while the 17 digits of a double were
     * half of the bytes of a chart of 1 000 series (docs/performance.md, "Console"). The window objects keep every digit.
     */
    static double chartPrecision(double v) {
        if (v == 0 || !Double.isFinite(v)) {
            return v;
        }
        int decimals = 5 - (int) Math.floor(Math.log10(Math.abs(v)));
        if (decimals > 0 && decimals < POWERS_OF_TEN.length) {
            return Math.round(v * POWERS_OF_TEN[decimals]) / POWERS_OF_TEN[decimals];
        }
        if (decimals <= 0 && -decimals < POWERS_OF_TEN.length) {
            return Math.round(v / POWERS_OF_TEN[-decimals]) * POWERS_OF_TEN[-decimals];
        }
        // Beyond the exact powers of ten (|v| above 1e22 or below 1e-17): rare, so the slow exact way.
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue();
    }

    public synchronized int seriesCount() {
        return series.size();
    }

    public synchronized long windowCount() {
        long n = 0;
        for (Entry e : series.values()) {
            n += e.windowCount();
        }
        return n;
    }

    /** Series dropped or refused because of {@code maxSeries}. */
    public synchronized long evictedSeries() {
        return evictedSeries;
    }

    private long cutoffMillis() {
        return clock.instant().minus(retention).toEpochMilli();
    }

    /** Every kept series' identity, without windows (the metrics catalogue): one short pass, no window copied. */
    public synchronized List<SeriesIdentity> identities() {
        List<SeriesIdentity> out = new ArrayList<>(series.size());
        for (Entry e : series.values()) {
            out.add(new SeriesIdentity(e.app, e.metric, e.series, e.labels, e.windowCount(), e.latestEnd()));
        }
        return out;
    }
}
