package dev.telemetry.console.overview;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Events the gateway accepted, per bucket (e.g. a minute) and event type, counted from the raw topics' end offsets.
 * The gateway answers 202 only after Kafka acknowledged the record, so each record appended to a raw topic is one
 * accepted event; the end offsets' growth between two samples is what was accepted in between, counted in the
 * bucket of the later sample. At the start, {@link #start} counts the buckets before it from the offsets at each
 * bucket's start (by record timestamp), so the chart is not empty after a restart.
 *
 * <p>Approximations, said where they show: a bucket's count is only as sharp as the sampling interval; a topic that
 * also carries records of others (the processor writes its findings to the security topic, in transactions whose
 * commit markers take an offset each) counts those too. Bounded: the newest {@code maxBuckets} buckets. Thread-safe.
 */
public final class AcceptedEvents {

    /** One bucket: its start, the total and the count per type (types without events are absent). */
    public record Bucket(Instant start, long total, Map<String, Long> byType) {
        public Bucket {
            byType = Map.copyOf(byType);
        }
    }

    private final Duration bucket;
    private final int maxBuckets;
    private final Map<String, Long> last = new HashMap<>();
    private final TreeMap<Instant, Map<String, Long>> buckets = new TreeMap<>();
    private Instant lastSampleAt;

    public AcceptedEvents(Duration bucket, int maxBuckets) {
        if (bucket.isNegative() || bucket.isZero() || maxBuckets <= 0) {
            throw new IllegalArgumentException("bucket and maxBuckets must be positive");
        }
        this.bucket = bucket;
        this.maxBuckets = maxBuckets;
    }

    public Duration bucket() {
        return bucket;
    }

    /** The start of the bucket {@code at} falls in (buckets are aligned on the epoch, so minutes on the minute). */
    public Instant bucketStart(Instant at) {
        long size = bucket.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(at.toEpochMilli(), size) * size);
    }

    /**
     * The first sample, with history: {@code end} is each type's end offset (summed over its partitions) now, and
     * {@code atBucketStart} each earlier bucket start's offsets (the first record at or after it, per partition, or
     * the end offset when there is none). Counts [start, next start) for each bucket, the last one up to now.
     */
    public synchronized void start(Instant at, Map<String, Long> end, NavigableMap<Instant, Map<String, Long>> atBucketStart) {
        for (Map.Entry<Instant, Map<String, Long>> b : atBucketStart.entrySet()) {
            Map.Entry<Instant, Map<String, Long>> next = atBucketStart.higherEntry(b.getKey());
            Map<String, Long> upTo = next == null ? end : next.getValue();
            for (Map.Entry<String, Long> type : b.getValue().entrySet()) {
                Long until = upTo.get(type.getKey());
                if (until != null && until > type.getValue()) {
                    buckets.computeIfAbsent(b.getKey(), k -> new HashMap<>()).merge(type.getKey(), until - type.getValue(), Long::sum);
                }
            }
        }
        last.clear();
        last.putAll(end);
        lastSampleAt = at;
        trim();
    }

    /**
     * A later sample: each type's end offset now (a type missing: its topic does not exist (yet)). The growth since
     * the previous sample is counted in {@code at}'s bucket; a type seen for the first time, or whose offsets went
     * back (its topic was recreated), only sets the baseline. True when a count changed.
     */
    public synchronized boolean sample(Instant at, Map<String, Long> end) {
        boolean changed = false;
        Instant b = bucketStart(at);
        for (Map.Entry<String, Long> e : end.entrySet()) {
            Long before = last.put(e.getKey(), e.getValue());
            if (before == null || e.getValue() <= before) {
                continue;
            }
            buckets.computeIfAbsent(b, k -> new HashMap<>()).merge(e.getKey(), e.getValue() - before, Long::sum);
            changed = true;
        }
        lastSampleAt = at;
        trim();
        return changed;
    }

    /** Whether {@link #start} or {@link #sample} ran yet. */
    public synchronized boolean started() {
        return lastSampleAt != null;
    }

    public synchronized Instant lastSampleAt() {
        return lastSampleAt;
    }

    /**
     * The buckets from {@code now - maxBuckets} to now, oldest first, empty ones included (zero): a quiet minute
     * shows as zero rather than as a gap.
     */
    public synchronized List<Bucket> buckets(Instant now) {
        List<Bucket> out = new ArrayList<>(maxBuckets);
        Instant current = bucketStart(now);
        // The whole range, even before the console started: the first sample counted those buckets by timestamp.
        Instant first = current.minus(bucket.multipliedBy(maxBuckets - 1));
        for (Instant b = first; !b.isAfter(current); b = b.plus(bucket)) {
            Map<String, Long> counts = buckets.getOrDefault(b, Map.of());
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            out.add(new Bucket(b, total, counts));
        }
        return out;
    }

    private void trim() {
        while (buckets.size() > maxBuckets) {
            buckets.pollFirstEntry();
        }
        if (lastSampleAt != null) {
            Instant oldest = bucketStart(lastSampleAt).minus(bucket.multipliedBy(maxBuckets - 1));
            buckets.headMap(oldest, false).clear();
        }
    }
}
