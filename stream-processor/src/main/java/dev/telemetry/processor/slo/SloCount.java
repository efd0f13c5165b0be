package dev.telemetry.processor.slo;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What one raw event adds to one SLO's window: good and total (1 and 1, or 0 and 1, for events; a metric's value
 * for ratio SLIs). Carried through the SLO repartition topic as 16 bytes.
 */
public record SloCount(double good, double total) {

    private static final int SIZE = 2 * Double.BYTES;

    /** Two doubles, big-endian: the repartition topic's values. */
    public static Serde<SloCount> serde() {
        return Serdes.serdeFrom((topic, count) -> count == null ? null
                        : ByteBuffer.allocate(SIZE).putDouble(count.good).putDouble(count.total).array(),
                (topic, bytes) -> {
                    if (bytes == null) {
                        return null;
                    }
                    if (bytes.length != SIZE) {
                        throw new IllegalArgumentException("an SLO count is " + SIZE + " bytes, got " + bytes.length);
                    }
                    ByteBuffer buffer = ByteBuffer.wrap(bytes);
                    return new SloCount(buffer.getDouble(), buffer.getDouble());
                });
    }
}
