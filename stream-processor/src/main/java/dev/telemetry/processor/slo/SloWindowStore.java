package dev.telemetry.processor.slo;

import dev.telemetry.processor.slo.BurnRates.Counts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The ring of one SLO and app's windows in a key-value store: one entry per window, keyed
 * {@code <slo>|<app>} NUL {@code windowStart} (8 bytes, big-endian, so one series' windows sort by time), holding
 * the window's good and total and, once it closed, the cumulative good and total of the series up to and including
 * it. Any span's counts are then the difference of two cumulative sums: two reads, however long the span.
 *
 * <p>Why one entry per window rather than one array per series: each closed window changes one entry (a 32-byte value), so
 * the changelog grows by one small record per SLO, app and window, where an array of 43 200 windows would be
 * rewritten whole every minute (about 1.4 MB per SLO and minute). The ring keeps the period plus one window
 * (the cumulative sum just before the period starts), so its size is bounded by the period.
 */
final class SloWindowStore {

    /** One window: its own counts, and the cumulative ones once it closed (NaN while it is open). */
    record Window(double good, double total, double cumGood, double cumTotal) {

        static final Window EMPTY = new Window(0, 0, Double.NaN, Double.NaN);

        Window plus(SloCount count) {
            return new Window(good + count.good(), total + count.total(), cumGood, cumTotal);
        }

        Counts counts() {
            return new Counts(good, total);
        }

        Counts cumulative() {
            return new Counts(cumGood, cumTotal);
        }
    }

    private static final int VALUE_SIZE = 4 * Double.BYTES;

    private final KeyValueStore<Bytes, Window> store;

    SloWindowStore(KeyValueStore<Bytes, Window> store) {
        this.store = store;
    }

    static Serde<Window> serde() {
        return Serdes.serdeFrom((topic, w) -> w == null ? null : ByteBuffer.allocate(VALUE_SIZE)
                        .putDouble(w.good).putDouble(w.total).putDouble(w.cumGood).putDouble(w.cumTotal).array(),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    ByteBuffer b = ByteBuffer.wrap(bytes);
                    return new Window(b.getDouble(), b.getDouble(), b.getDouble(), b.getDouble());
                });
    }

    /** Window starts are epoch millis, never negative, so unsigned byte order is time order. */
    static Bytes key(String series, long windowStart) {
        byte[] name = series.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(name.length + 1 + Long.BYTES).put(name).put((byte) 0)
                .putLong(windowStart).array());
    }

    Window get(String series, long windowStart) {
        return store.get(key(series, windowStart));
    }

    void add(String series, long windowStart, SloCount count) {
        Bytes key = key(series, windowStart);
        Window window = store.get(key);
        store.put(key, (window == null ? Window.EMPTY : window).plus(count));
    }

    void put(String series, long windowStart, Window window) {
        store.put(key(series, windowStart), window);
    }

    void delete(String series, long windowStart) {
        store.delete(key(series, windowStart));
    }

    /** How many windows the series holds (open and closed): at most the period plus one, plus the open ones. */
    long size(String series) {
        long n = 0;
        try (KeyValueIterator<Bytes, Window> it = store.range(key(series, 0), key(series, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    /** Whether the series has windows from {@code from} on (open ones, after the latest closed). */
    boolean hasWindowsFrom(String series, long from) {
        try (KeyValueIterator<Bytes, Window> it = store.range(key(series, from), key(series, Long.MAX_VALUE))) {
            return it.hasNext();
        }
    }

    /** Forgets every window of the series. */
    void deleteAll(String series) {
        java.util.List<Bytes> keys = new java.util.ArrayList<>();
        try (KeyValueIterator<Bytes, Window> it = store.range(key(series, 0), key(series, Long.MAX_VALUE))) {
            while (it.hasNext()) {
                keys.add(it.next().key);
            }
        }
        keys.forEach(store::delete);
    }
}
