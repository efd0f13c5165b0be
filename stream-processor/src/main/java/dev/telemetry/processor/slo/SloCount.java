package dev.telemetry.processor.slo;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What one raw event adds to one SLO's window: good and total (1 and 1, or 0 and 1, for events; a metric's value
 * for ratio SLIs). Carried through the SLO repartition topic as 16 bytes.
 *
 * <p>Or, when {@link #backfill} is set, a batch of whole-window totals read from the raw topics' history by
 * {@link SloBackfill} (see there): the processor sets, never adds, them into windows before the series' live start.
 * Encoded as a marker byte ({@code 'B'}), the number of windows, then per window its start (8 bytes), good and
 * total (two doubles): never 16 bytes long, so the two kinds cannot be confused.
 */
public record SloCount(double good, double total, List<SloBackfill.WindowTotal> backfill) {

    private static final int SIZE = 2 * Double.BYTES;
    private static final byte BACKFILL = 'B';
    private static final int WINDOW_SIZE = Long.BYTES + 2 * Double.BYTES;

    public SloCount {
        backfill = backfill == null ? null : List.copyOf(backfill);
    }

    public SloCount(double good, double total) {
        this(good, total, null);
    }

    /** A batch of whole-window totals from the backfill. */
    public static SloCount backfill(List<SloBackfill.WindowTotal> windows) {
        return new SloCount(0, 0, windows);
    }

    public boolean isBackfill() {
        return backfill != null;
    }

    /** Two doubles, big-endian: the repartition topic's values; or a backfill batch. */
    public static Serde<SloCount> serde() {
        return Serdes.serdeFrom((topic, count) -> {
                    if (count == null) {
                        return null;
                    }
                    if (count.backfill != null) {
                        ByteBuffer buffer = ByteBuffer.allocate(1 + Integer.BYTES + WINDOW_SIZE * count.backfill.size())
                                .put(BACKFILL).putInt(count.backfill.size());
                        count.backfill.forEach(w -> buffer.putLong(w.windowStart()).putDouble(w.good()).putDouble(w.total()));
                        return buffer.array();
                    }
                    return ByteBuffer.allocate(SIZE).putDouble(count.good).putDouble(count.total).array();
                },
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    if (bytes.length != SIZE && bytes.length >= 1 + Integer.BYTES && bytes[0] == BACKFILL) {
                        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
                        int n = buffer.getInt();
                        if (n < 0 || buffer.remaining() != (long) n * WINDOW_SIZE) {
                            throw new IllegalArgumentException("a backfill batch of " + n + " windows has "
                                    + buffer.remaining() + " bytes of windows");
                        }
                        SloBackfill.WindowTotal[] windows = new SloBackfill.WindowTotal[n];
                        for (int i = 0; i < n; i++) {
                            windows[i] = new SloBackfill.WindowTotal(buffer.getLong(), buffer.getDouble(), buffer.getDouble());
                        }
                        return backfill(List.of(windows));
                    }
                    if (bytes.length != SIZE) {
                        throw new IllegalArgumentException("an SLO count is " + SIZE + " bytes, got " + bytes.length);
                    }
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    return new SloCount(buffer.getDouble(), buffer.getDouble());
                });
    }
}
