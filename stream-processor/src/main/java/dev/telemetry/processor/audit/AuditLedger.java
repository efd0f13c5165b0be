package dev.telemetry.processor.audit;

import dev.telemetry.events.derived.AuditRecord;
import dev.telemetry.processor.stage.StateStoreKind;
import dev.telemetry.processor.window.HotAggregateStore;
import dev.telemetry.processor.window.WindowClock;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The processor's account of every raw record it consumed ({@code telemetry.audit}, see {@link AuditRecord}).
 * Each record is {@linkplain #count counted} once, under its app, raw topic, partition and window (its event time's;
 * for a record that is not an envelope, its Kafka timestamp), with its {@link Fate}. When windows close, the counts
 * of the closed windows are written out and forgotten, followed by one progress record per raw partition: how far
 * the task had read, and before which window start everything is closed. Counts of records that arrive after their
 * window closed (late, or dead-lettered, or not summarised) are written at the next close check.
 *
 * <p>Counts and positions live in changelogged stores and the records go out through the task's producer, so under
 * exactly-once they are committed in the same transaction as the input offsets and the summaries they account for:
 * a crash loses both or neither, and the re-read records are counted again from the restored counts.
 */
public final class AuditLedger {

    public static final String COUNTS_STORE = "audit-counts";
    public static final String POSITIONS_STORE = "audit-positions";
    private static final long NONE = Long.MAX_VALUE;

    private final KeyValueStore<Bytes, AuditCounts> counts;
    /** {@code topic|partition} → the next offset to read, as of the last progress written. */
    private final KeyValueStore<String, Long> positions;
    /** Raw topic → {partition, next offset}, as far as this task has counted. */
    private final Map<String, long[]> reading = new HashMap<>();
    /** What the last progress records said, per raw topic and partition (restored from the store at start). */
    private final Map<String, Long> written = new LinkedHashMap<>();
    private long lastClosedBefore = Long.MIN_VALUE;
    /** The oldest window with unwritten counts: most records close nothing, and this spares them a store scan. */
    private long oldestPending = NONE;

    private AuditLedger(KeyValueStore<Bytes, AuditCounts> counts, KeyValueStore<String, Long> positions) {
        this.counts = counts;
        this.positions = positions;
        try (KeyValueIterator<Bytes, AuditCounts> all = counts.all()) {
            if (all.hasNext()) {
                oldestPending = windowStart(all.peekNextKey());
            }
        }
        try (KeyValueIterator<String, Long> all = positions.all()) {
            all.forEachRemaining(entry -> written.put(entry.key, entry.value));
        }
    }

    /** The ledger's stores, of {@code kind}. */
    public static Set<StoreBuilder<?>> stores(StateStoreKind kind) {
        return Set.of(
                HotAggregateStore.builder(kind.keyValueStore(COUNTS_STORE, Serdes.Bytes(), AuditCounts.serde()),
                        kind == StateStoreKind.PERSISTENT),
                kind.keyValueStore(POSITIONS_STORE, Serdes.String(), Serdes.Long()));
    }

    /** The ledger of the task {@code context} belongs to (its processor must be connected to {@link #stores}). */
    public static AuditLedger of(ProcessorContext<?, ?> context) {
        return new AuditLedger(context.getStateStore(COUNTS_STORE), context.getStateStore(POSITIONS_STORE));
    }

    /** Counts one record of {@code topic}'s {@code partition} at {@code offset}, in the window starting at {@code windowStart}. */
    public void count(long windowStart, String app, String topic, int partition, long offset, Fate fate) {
        Bytes key = key(windowStart, partition, topic, app);
        AuditCounts account = counts.get(key);
        if (account == null) {
            account = AuditCounts.empty();
        }
        account.add(fate);
        counts.put(key, account);
        oldestPending = Math.min(oldestPending, windowStart);
        long[] position = reading.get(topic);
        if (position == null) {
            reading.put(topic, new long[] {partition, offset + 1});
        } else {
            position[0] = partition;
            position[1] = Math.max(position[1], offset + 1);
        }
    }

    /** Whether windows closed since the last {@link #write}: then their counts and the progress are due now. */
    public boolean windowsClosedSinceLastWrite(WindowClock clock) {
        long closedBefore = clock.firstOpenWindowStart();
        if (closedBefore == Long.MIN_VALUE) {
            return false;
        }
        if (lastClosedBefore == Long.MIN_VALUE && oldestPending >= closedBefore) {
            // The first time the clock moves (at start): nothing counted has closed, so there is nothing to say yet.
            lastClosedBefore = closedBefore;
            return false;
        }
        return closedBefore > lastClosedBefore;
    }

    /** Whether {@link #write} has something to say: windows closed since the last progress, or counts of closed windows wait. */
    public boolean hasNews(WindowClock clock) {
        return windowsClosedSinceLastWrite(clock) || oldestPending < clock.firstOpenWindowStart();
    }

    /**
     * Writes the counts of every closed window and forgets them, then the progress of every raw partition this task
     * has read. Returns whether it wrote anything.
     */
    public boolean write(WindowClock clock, Consumer<AuditRecord> out) {
        if (!hasNews(clock)) {
            return false;
        }
        long closedBefore = clock.firstOpenWindowStart();
        List<Bytes> done = new ArrayList<>();
        if (oldestPending < closedBefore) {
            oldestPending = NONE;
            try (KeyValueIterator<Bytes, AuditCounts> all = counts.all()) {
                while (all.hasNext()) {
                    KeyValue<Bytes, AuditCounts> entry = all.next();
                    long windowStart = windowStart(entry.key);
                    if (windowStart >= closedBefore) {
                        oldestPending = windowStart;
                        break;
                    }
                    out.accept(record(entry.key, entry.value, clock.size()));
                    done.add(entry.key);
                }
            }
            // Deleted after the scan: not every store's iterator tolerates writes under it.
            done.forEach(counts::delete);
        }
        reading.forEach((topic, position) -> {
            String key = topic + "|" + position[0];
            Long before = this.written.get(key);
            if (before == null || before < position[1]) {
                this.written.put(key, position[1]);
                positions.put(key, position[1]);
            }
        });
        reading.clear();
        this.written.forEach((key, readThrough) -> {
            int bar = key.lastIndexOf('|');
            out.accept(AuditRecord.progress(key.substring(0, bar), Integer.parseInt(key.substring(bar + 1)), readThrough,
                    Instant.ofEpochMilli(closedBefore)));
        });
        lastClosedBefore = closedBefore;
        return true;
    }

    private static AuditRecord record(Bytes key, AuditCounts account, long windowSize) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        long windowStart = buffer.getLong();
        int partition = buffer.getInt();
        byte[] rest = new byte[buffer.remaining()];
        buffer.get(rest);
        int zero = 0;
        while (rest[zero] != 0) {
            zero++;
        }
        String topic = new String(rest, 0, zero, StandardCharsets.UTF_8);
        String app = new String(rest, zero + 1, rest.length - zero - 1, StandardCharsets.UTF_8);
        return AuditRecord.counts(app, topic, partition, Instant.ofEpochMilli(windowStart),
                Instant.ofEpochMilli(windowStart + windowSize), account.get(Fate.SUMMARISED), account.get(Fate.LATE),
                account.get(Fate.DEAD_LETTERED), account.get(Fate.OVERFLOWED), account.get(Fate.NOT_SUMMARISED));
    }

    /**
     * {@code [window start, 8 bytes big-endian][partition, 4][topic, UTF-8][0][app, UTF-8]}: stores order keys by
     * unsigned bytes, so a forward scan meets windows oldest first and stops at the first open one. Topic names
     * cannot hold a NUL; an app name from a poison record's key has its NULs replaced (see the topology).
     */
    static Bytes key(long windowStart, int partition, String topic, String app) {
        byte[] t = topic.getBytes(StandardCharsets.UTF_8);
        byte[] a = app.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + Integer.BYTES + t.length + 1 + a.length)
                .putLong(windowStart).putInt(partition).put(t).put((byte) 0).put(a).array());
    }

    private static long windowStart(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong();
    }
}
