package dev.telemetry.processor.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.events.EventType;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SeriesObservationSerdeTest {

    @Test
    void shouldRoundTripObservationWithLabelsWhenEncodedForRepartitionTopic() {
        SeriesObservation observation = new SeriesObservation(EventType.VITAL, "shop", "LCP", "LCP{overflow=true}",
                Map.of("overflow", "true", "page", "/ä/checkout"), 2512.5);

        byte[] bytes = SeriesObservationSerde.serde().serializer().serialize("t", observation);

        assertThat(SeriesObservationSerde.serde().deserializer().deserialize("t", bytes)).isEqualTo(observation);
    }

    @Test
    void shouldRefuseRecordWhenFormatOrEventTypeIsUnknown() {
        assertThatThrownBy(() -> SeriesObservationSerde.decode(new byte[] {9, 0}))
                .isInstanceOf(SerializationException.class).hasMessageContaining("format 9");
        byte[] good = SeriesObservationSerde.encode(new SeriesObservation(EventType.METRIC, "a", "m", "m", Map.of(), 1));
        assertThatThrownBy(() -> SeriesObservationSerde.decode(java.util.Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("malformed");
    }
}
