package dev.telemetry.processor.window;

import dev.telemetry.events.EventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link SeriesObservation}s on the overflow repartition topic, which only this application writes and reads:
 * {@code [format 1][source][app][metric][series][label count, then key and value each][value, 8 bytes]}, strings
 * as {@link DataOutputStream#writeUTF}. Versioned, so a rolling upgrade can tell an older record from garbage.
 */
public final class SeriesObservationSerde {

    private static final int FORMAT = 1;

    private SeriesObservationSerde() {
    }

    public static Serde<SeriesObservation> serde() {
        Serializer<SeriesObservation> serializer = (topic, o) -> o == null ? null : encode(o);
        Deserializer<SeriesObservation> deserializer = (topic, bytes) -> bytes == null ? null : decode(bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    static byte[] encode(SeriesObservation o) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeUTF(o.source().wireName());
            out.writeUTF(o.app());
            out.writeUTF(o.metric());
            out.writeUTF(o.series());
            out.writeShort(o.labels().size());
            for (Map.Entry<String, String> label : o.labels().entrySet()) {
                out.writeUTF(label.getKey());
                out.writeUTF(label.getValue());
            }
            out.writeDouble(o.value());
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SeriesObservation decode(byte[] bytes) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new SerializationException("unknown series observation format " + format);
            }
            String sourceName = in.readUTF();
            EventType source = EventType.fromWireName(sourceName)
                    .orElseThrow(() -> new SerializationException("unknown event type " + sourceName));
            String app = in.readUTF();
            String metric = in.readUTF();
            String series = in.readUTF();
            int labelCount = in.readUnsignedShort();
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < labelCount; i++) {
                labels.put(in.readUTF(), in.readUTF());
            }
            return new SeriesObservation(source, app, metric, series, labels, in.readDouble());
        } catch (IOException e) {
            throw new SerializationException("malformed series observation", e);
        }
    }
}
