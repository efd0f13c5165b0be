package dev.telemetry.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.service.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void shouldLoadTheShippedDefaults() {
        GatewayConfig config = GatewayConfig.load(new String[0], Map.of());

        assertThat((long) config.kafka().batchSizeBytes()).isLessThanOrEqualTo(config.kafka().bufferMemoryBytes());
    }

    @Test
    void shouldRefuseABatchLargerThanTheProducersBuffer() {
        // Kafka's producer accepts this and then fails every send with an IllegalArgumentException.
        assertThatThrownBy(() -> GatewayConfig.load(new String[0], Map.of(
                "GATEWAY_KAFKA_BATCH_SIZE_BYTES", "1048576", "GATEWAY_KAFKA_BUFFER_MEMORY_BYTES", "65536")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.batch-size-bytes")
                .hasMessageContaining("must not exceed kafka.buffer-memory-bytes (65536)");
    }

    @Test
    void shouldRefuseAnEventsBucketThatCannotHoldAFullBatch() {
        assertThatThrownBy(() -> GatewayConfig.load(new String[0], Map.of(
                "GATEWAY_RATE_LIMITS_PER_KEY_EVENTS_BURST", "500", "GATEWAY_LIMITS_ITEMS_PER_BATCH", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rate-limits.per-key-events.burst")
                .hasMessageContaining("limits.items-per-batch (1000)");
    }

    @Test
    void shouldShipAnEventsBucketPerKeyWhenDefaultsLoad() {
        GatewayConfig config = GatewayConfig.load(new String[0], Map.of());

        assertThat(config.rateLimits().perKeyEvents()).isEqualTo(new GatewayConfig.Bucket(50_000, 100_000));
    }
}
