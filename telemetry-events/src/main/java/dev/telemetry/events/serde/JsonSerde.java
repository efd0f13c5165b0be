package dev.telemetry.events.serde;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AuditRecord;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.derived.VitalOffenders;
import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serdes for the pipeline's JSON values, all through {@link JsonCodec}. A value that cannot be
 * read fails with a {@link SerializationException} naming the problem, which Kafka Streams routes to
 * its dead-letter handling instead of crashing.
 */
public final class JsonSerde<T> implements Serde<T> {

    /** Reads one value or throws {@link InvalidJsonException}. */
    @FunctionalInterface
    private interface Reader<T> {
        T read(byte[] bytes) throws InvalidJsonException;
    }

    private final String what;
    private final Function<T, byte[]> writer;
    private final Reader<T> reader;

    private JsonSerde(String what, Function<T, byte[]> writer, Reader<T> reader) {
        this.what = what;
        this.writer = writer;
        this.reader = reader;
    }

    public static JsonSerde<Envelope> envelope() {
        JsonCodec codec = JsonCodec.standard();
        return new JsonSerde<>("envelope", codec::writeEnvelope, codec::readEnvelope);
    }

    public static JsonSerde<Summary> summary() {
        return of(Summary.class);
    }

    public static JsonSerde<AlertEvent> alert() {
        return of(AlertEvent.class);
    }

    public static JsonSerde<SloReport> sloReport() {
        return of(SloReport.class);
    }

    public static JsonSerde<AuditRecord> audit() {
        return of(AuditRecord.class);
    }

    public static JsonSerde<RateLimitCount> rateLimitCount() {
        return of(RateLimitCount.class);
    }

    public static JsonSerde<VitalOffenders> vitalOffenders() {
        return of(VitalOffenders.class);
    }

    /** A serde for any record the codec can map. */
    public static <T> JsonSerde<T> of(Class<T> type) {
        JsonCodec codec = JsonCodec.standard();
        return new JsonSerde<>(type.getSimpleName(), codec::write, bytes -> codec.read(bytes, type));
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : writer.apply(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return reader.read(bytes);
            } catch (InvalidJsonException e) {
                throw new SerializationException("record on " + topic + " is not a valid " + what + ": " + e.getMessage(), e);
            }
        };
    }
}
