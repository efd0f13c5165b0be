package dev.telemetry.processor.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.serde.JsonSerde;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/** Each sink's serializer writes its kind exactly as the value's own serde does, and refuses the other kinds. */
class DetectorOutputTest {

    private final RateLimitCount count = new RateLimitCount(1, "shop", "203.0.113.7", "/api/login",
            Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:01:00Z"), 101, 100, true);

    @Test
    void shouldWriteTheWrappedValueAsItsOwnSerdeDoesWhenTheKindMatchesTheSink() {
        DetectorOutput output = new DetectorOutput.RateLimitCounted(count);

        assertThat(DetectorOutput.rateLimitCounts().serialize("t", output))
                .isEqualTo(JsonSerde.rateLimitCount().serializer().serialize("t", count));
        assertThat(output.sink()).isEqualTo(DetectorOutput.RATELIMIT_SINK).isEqualTo("ratelimit-sink");
        assertThat(output.key()).isEqualTo(count.key());
    }

    @Test
    void shouldRefuseAnotherKindWhenSentToASink() {
        DetectorOutput output = new DetectorOutput.RateLimitCounted(count);

        for (Serializer<DetectorOutput> other : new Serializer[] {DetectorOutput.findings(), DetectorOutput.alerts()}) {
            assertThatThrownBy(() -> other.serialize("t", output)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("RateLimitCounted");
        }
    }
}
