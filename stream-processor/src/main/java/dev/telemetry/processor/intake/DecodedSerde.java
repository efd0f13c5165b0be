package dev.telemetry.processor.intake;

import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Reads raw records as {@link Decoded}: the envelope through the shared codec, or the poison and the codec's reason.
 *
 * <p>With {@link Predecoded} (only the rule lab's replay, which decodes on another thread than the one that
 * replays), the deserializer first asks it for the value already decoded by this very serde's function
 * ({@link #decode}); the live processor has none and decodes every record itself.
 */
public final class DecodedSerde implements Serde<Decoded> {

    /**
     * Values decoded before they reach the topology, by {@link DecodedSerde#decode} of another instance: what the
     * source's deserializer returns instead of decoding again.
     */
    @FunctionalInterface
    public interface Predecoded {

        /**
         * What {@code bytes} read from {@code topic} decoded to, if this holds it for that very array (the same
         * instance, not equal contents); null otherwise, and the deserializer decodes them.
         */
        Decoded lookup(String topic, byte[] bytes);
    }

    private final JsonCodec codec = JsonCodec.standard();
    private final Predecoded predecoded;

    /** As the processor reads: every record decoded here. */
    public DecodedSerde() {
        this(null);
    }

    /** @param predecoded null: none, as {@link #DecodedSerde()} */
    public DecodedSerde(Predecoded predecoded) {
        this.predecoded = predecoded;
    }

    @Override
    public Serializer<Decoded> serializer() {
        return (topic, value) -> {
            throw new UnsupportedOperationException("raw records are only read here");
        };
    }

    @Override
    public Deserializer<Decoded> deserializer() {
        if (predecoded == null) {
            return this::decode;
        }
        return (topic, bytes) -> {
            Decoded done = predecoded.lookup(topic, bytes);
            return done != null ? done : decode(topic, bytes);
        };
    }

    /** A raw record's value read from {@code topic}, as the topology's sources read it (never null, never throws). */
    public Decoded decode(String topic, byte[] bytes) {
        if (bytes == null) {
            return Decoded.poison(null, "the record has no value (a tombstone)");
        }
        try {
            return Decoded.of(codec.readEnvelope(bytes));
        } catch (InvalidJsonException e) {
            return Decoded.poison(bytes, "record on " + topic + " is not a valid envelope: " + e.getMessage());
        }
    }
}
