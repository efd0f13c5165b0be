package dev.telemetry.processor.intake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.serde.JsonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Raw values as the topology's sources read them, with and without values decoded before. */
class DecodedSerdeTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void shouldDecodeEnvelopesAndPoisonAsBefore() {
        byte[] value = envelopeBytes();
        Decoded read = new DecodedSerde().deserializer().deserialize("telemetry.metrics", value);
        assertThat(read.isPoison()).isFalse();
        assertThat(read.envelope()).isEqualTo(JsonSerde.envelope().deserializer().deserialize("t", value));

        byte[] junk = "not json".getBytes(StandardCharsets.UTF_8);
        Decoded poison = new DecodedSerde().deserializer().deserialize("telemetry.metrics", junk);
        assertThat(poison.isPoison()).isTrue();
        assertThat(poison.poison()).isSameAs(junk);
        assertThat(poison.problem()).startsWith("record on telemetry.metrics is not a valid envelope: ");
        assertThat(new DecodedSerde().deserializer().deserialize("telemetry.metrics", null))
                .isEqualTo(Decoded.poison(null, "the record has no value (a tombstone)"));
        // decode is the deserializer's function
        DecodedSerde serde = new DecodedSerde();
        assertThat(serde.decode("telemetry.metrics", junk)).isEqualTo(poison);
        assertThat(serde.decode("telemetry.metrics", value)).isEqualTo(read);
    }

    @Test
    void shouldTakeWhatWasDecodedBeforeAndDecodeWhatWasNot() {
        byte[] value = envelopeBytes();
        Decoded marked = Decoded.poison(value, "marked");
        List<String> asked = new ArrayList<>();
        DecodedSerde serde = new DecodedSerde((topic, bytes) -> {
            asked.add(topic);
            return bytes == value ? marked : null;
        });

        assertThat(serde.deserializer().deserialize("telemetry.metrics", value)).isSameAs(marked);
        Decoded decoded = serde.deserializer().deserialize("telemetry.metrics", value.clone());
        assertThat(decoded.isPoison()).isFalse();
        assertThat(decoded).isEqualTo(new DecodedSerde().decode("telemetry.metrics", value));
        assertThat(asked).containsExactly("telemetry.metrics", "telemetry.metrics");
    }

    private static byte[] envelopeBytes() {
        Envelope e = new Envelope(Envelope.SCHEMA_VERSION, "e-1", null, "shop", T0, T0, "203.0.113.9", "agent",
                new MetricEvent("queue_depth", 3, T0.toEpochMilli(), Map.of("queue", "orders")));
        return JsonSerde.envelope().serializer().serialize("telemetry.metrics", e);
    }
}
