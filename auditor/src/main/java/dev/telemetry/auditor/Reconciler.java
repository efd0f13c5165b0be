package dev.telemetry.auditor;

import dev.telemetry.events.derived.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Both sides of the audit, and the reconciliation. The processor's side: its counts per app, raw topic, partition and
 * window (summed over every counts record, since late records add to a window after it closed) and, per raw
 * partition, its latest progress: every record below {@code readThrough} whose window starts before
 * {@code closedBefore} is accounted for. The auditor's side: the raw records it read itself, below that offset.
 * A window is judged per partition once the progress covers it; a row (app, topic, window) sums its partitions and
 * is pending while any of them is not judged yet, else a mismatch if any of them is.
 */
public final class Reconciler {

    /** One raw partition. */
    record Partition(String topic, int partition) {
    }

    /** What the processor said it had read and closed, per partition. */
    record Progress(long readThrough, long closedBefore) {
    }

    private record Key(String app, String topic, int partition, long windowStart) {
    }

    private final Map<Key, long[]> accounted = new HashMap<>();
    private final Map<Key, Long> published = new HashMap<>();
    /** Raw records past the processor's progress: published, not accounted for yet. */
    private final Map<Key, Long> inFlight = new HashMap<>();
    private final Map<Partition, Progress> progress = new HashMap<>();
    /** How far the auditor has read each raw partition: a window is judged only once that reaches the progress. */
    private final Map<Partition, Long> rawPositions = new HashMap<>();
    private final RawRecordRule rule = new RawRecordRule();
    private long windowSize = -1;

    /** One record of {@code telemetry.audit}, in the order of its partition. */
    public void audit(AuditRecord record) {
        if (record.isCounts()) {
            long start = record.windowStart().toEpochMilli();
            windowSize = record.windowEnd().toEpochMilli() - start;
            long[] counts = accounted.computeIfAbsent(new Key(record.app(), record.topic(), record.partition(), start),
                    k -> new long[5]);
            counts[0] += value(record.summarised());
            counts[1] += value(record.late());
            counts[2] += value(record.deadLettered());
            counts[3] += value(record.overflowed());
            counts[4] += value(record.notSummarised());
        } else if (AuditRecord.PROGRESS.equals(record.kind()) && record.readThrough() != null
                && record.closedBefore() != null) {
            progress.merge(new Partition(record.topic(), record.partition()),
                    new Progress(record.readThrough(), record.closedBefore().toEpochMilli()),
                    (old, now) -> now.readThrough() >= old.readThrough() ? now : old);
        }
    }

    /** The window size the processor uses, from its counts; -1 before any. */
    public long windowSize() {
        return windowSize;
    }

    /** How far the processor's account of {@code topic}'s {@code partition} goes: read the raw partition up to here. */
    public long readThrough(String topic, int partition) {
        Progress p = progress.get(new Partition(topic, partition));
        return p == null ? 0 : p.readThrough();
    }

    /** The auditor has read {@code topic}'s {@code partition} up to (not including) {@code position}. */
    public void rawReadTo(String topic, int partition, long position) {
        rawPositions.put(new Partition(topic, partition), position);
    }

    /** One raw record at {@code offset}: below {@link #readThrough} it is judged, past it in flight. */
    public void raw(String topic, int partition, long offset, byte[] key, byte[] value, long timestamp) {
        if (windowSize <= 0) {
            throw new IllegalStateException("read the audit first: the window size comes from it");
        }
        RawRecordRule.Counted counted = rule.of(key, value, timestamp);
        long start = counted.time() - Math.floorMod(counted.time(), windowSize);
        Key key2 = new Key(counted.app(), topic, partition, start);
        published.merge(key2, 1L, Long::sum);
        if (offset >= readThrough(topic, partition)) {
            inFlight.merge(key2, 1L, Long::sum);
        }
    }

    /** Forgets every window starting before {@code windowStart}, on both sides (a long-running auditor's memory). */
    public void forgetBefore(Instant windowStart) {
        long before = windowStart.toEpochMilli();
        accounted.keySet().removeIf(k -> k.windowStart() < before);
        published.keySet().removeIf(k -> k.windowStart() < before);
        inFlight.keySet().removeIf(k -> k.windowStart() < before);
    }

    /** The rows of windows starting in {@code [from, to)}, for {@code app} (null: every app), oldest first. */
    public List<AuditRow> rows(Instant from, Instant to, String app) {
        Map<List<Object>, AuditRow> rows = new TreeMap<>(Comparator
                .comparing((List<Object> k) -> (Long) k.get(0))
                .thenComparing(k -> (String) k.get(1))
                .thenComparing(k -> (String) k.get(2)));
        // A partition's window is judged once the progress covers it and no record of it is in flight: its records
        // past the progress would be counted in a later account (late, if the window has closed).
        java.util.Set<Key> keys = new java.util.HashSet<>(accounted.keySet());
        keys.addAll(published.keySet());
        for (Key key : keys) {
            if (key.windowStart() < from.toEpochMilli() || key.windowStart() >= to.toEpochMilli()
                    || (app != null && !app.equals(key.app()))) {
                continue;
            }
            long[] counts = accounted.getOrDefault(key, new long[5]);
            long raw = published.getOrDefault(key, 0L);
            Partition partition = new Partition(key.topic(), key.partition());
            Progress p = progress.get(partition);
            long judged = raw - inFlight.getOrDefault(key, 0L);
            AuditRow.Status status = p == null || key.windowStart() >= p.closedBefore() || judged != raw
                    || rawPositions.getOrDefault(partition, 0L) < p.readThrough()
                    ? AuditRow.Status.PENDING
                    : judged == sum(counts) ? AuditRow.Status.MATCH : AuditRow.Status.MISMATCH;
            AuditRow partitionRow = new AuditRow(key.app(), key.topic(), Instant.ofEpochMilli(key.windowStart()),
                    Instant.ofEpochMilli(key.windowStart() + windowSize), raw, counts[0], counts[1], counts[2],
                    counts[3], counts[4], status);
            rows.merge(List.of(key.windowStart(), key.app(), key.topic()), partitionRow, Reconciler::add);
        }
        return new ArrayList<>(rows.values());
    }

    private static AuditRow add(AuditRow a, AuditRow b) {
        // Pending until every partition is judged: a row's numbers are the whole window's, never a part of it.
        AuditRow.Status status = a.status() == AuditRow.Status.PENDING || b.status() == AuditRow.Status.PENDING
                ? AuditRow.Status.PENDING
                : a.status() == AuditRow.Status.MISMATCH || b.status() == AuditRow.Status.MISMATCH
                ? AuditRow.Status.MISMATCH : AuditRow.Status.MATCH;
        return new AuditRow(a.app(), a.topic(), a.windowStart(), a.windowEnd(), a.published() + b.published(),
                a.summarised() + b.summarised(), a.late() + b.late(), a.deadLettered() + b.deadLettered(),
                a.overflowed() + b.overflowed(), a.notSummarised() + b.notSummarised(), status);
    }

    private static long sum(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        return total;
    }

    private static long value(Long count) {
        return count == null ? 0 : count;
    }
}
