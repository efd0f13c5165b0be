package dev.telemetry.processor.intake;

import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Reads raw records as {@link Decoded}: the envelope through the shared codec, or the poison and the codec's reason. */
public final class DecodedSerde implements Serde<Decoded> {

    private final JsonCodec codec = JsonCodec.standard();

    @Override
    public Serializer<Decoded> serializer() {
        return (topic, value) -> {
            throw new UnsupportedOperationException("raw records are only read here");
        };
    }

    @Override
    public Deserializer<Decoded> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return Decoded.poison(null, "the record has no value (a tombstone)");
            }
            try {
                return Decoded.of(codec.readEnvelope(bytes));
            } catch (InvalidJsonException e) {
                return Decoded.poison(bytes, "record on " + topic + " is not a valid envelope: " + e.getMessage());
            }
        };
    }
}
