package dev.telemetry.processor.window;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * The window store's key: {@code [window start, 8 bytes big-endian][app|series, UTF-8]}. Stores order
 * keys by unsigned bytes, so a forward scan meets windows oldest first and can stop at the first one
 * that is still open. (Event times before 1970 would sort wrongly, but Kafka Streams drops negative
 * timestamps before they get here.)
 */
public final class WindowStoreKey {

    private WindowStoreKey() {
    }

    public static Bytes of(long windowStart, String seriesId) {
        byte[] series = seriesId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + series.length).putLong(windowStart).put(series).array());
    }

    public static String seriesId(Bytes key) {
        byte[] bytes = key.get();
        return new String(bytes, Long.BYTES, bytes.length - Long.BYTES, StandardCharsets.UTF_8);
    }

    public static long windowStart(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong();
    }
}
