package dev.telemetry.processor.audit;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Mutable counts per {@link Fate} for one app, raw topic, partition and window (kept hot, see the ledger). */
public final class AuditCounts {

    private static final int FATES = Fate.values().length;

    private final long[] counts;

    private AuditCounts(long[] counts) {
        this.counts = counts;
    }

    static AuditCounts empty() {
        return new AuditCounts(new long[FATES]);
    }

    void add(Fate fate) {
        counts[fate.ordinal()]++;
    }

    public long get(Fate fate) {
        return counts[fate.ordinal()];
    }

    static Serde<AuditCounts> serde() {
        return Serdes.serdeFrom((topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate(FATES * Long.BYTES);
            for (long count : value.counts) {
                buffer.putLong(count);
            }
            return buffer.array();
        }, (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long[] counts = new long[FATES];
            // A store written by a version with fewer fates reads as zeros for the new ones.
            for (int i = 0; i < FATES && buffer.remaining() >= Long.BYTES; i++) {
                counts[i] = buffer.getLong();
            }
            return new AuditCounts(counts);
        });
    }
}
