package dev.telemetry.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.service.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    @Test
    void shouldShipSlowClientLimitsWhenDefaultsLoad() {
        GatewayConfig.Http http = GatewayConfig.load(new String[0], Map.of()).http();

        assertThat(http.headerTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(http.bodyTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(http.minBodyBytesPerSecond()).isEqualTo(1024);
        assertThat(http.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(http.maxConnectionsPerIp()).isEqualTo(256);
        assertThat(http.maxConnections()).isEqualTo(10_000);
    }

    @Test
    void shouldReadSlowClientLimitsFromTheEnvironment() {
        GatewayConfig.Http http = GatewayConfig.load(new String[0], Map.of(
                "GATEWAY_HTTP_HEADER_TIMEOUT", "3s", "GATEWAY_HTTP_BODY_TIMEOUT", "1m",
                "GATEWAY_HTTP_MIN_BODY_BYTES_PER_SECOND", "0", "GATEWAY_HTTP_IDLE_TIMEOUT", "90s",
                "GATEWAY_HTTP_MAX_CONNECTIONS_PER_IP", "16", "GATEWAY_HTTP_MAX_CONNECTIONS", "2000")).http();

        assertThat(http.headerTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(http.bodyTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(http.minBodyBytesPerSecond()).as("0 turns the minimum rate off").isZero();
        assertThat(http.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(http.maxConnectionsPerIp()).isEqualTo(16);
        assertThat(http.maxConnections()).isEqualTo(2000);
    }

    @ParameterizedTest
    @CsvSource({
            "GATEWAY_HTTP_HEADER_TIMEOUT, 0s, http.header-timeout",
            "GATEWAY_HTTP_BODY_TIMEOUT, 0s, http.body-timeout",
            "GATEWAY_HTTP_IDLE_TIMEOUT, -1s, http.idle-timeout",
            "GATEWAY_HTTP_MIN_BODY_BYTES_PER_SECOND, -1, http.min-body-bytes-per-second",
            "GATEWAY_HTTP_MAX_CONNECTIONS_PER_IP, 0, http.max-connections-per-ip",
            "GATEWAY_HTTP_MAX_CONNECTIONS, 0, http.max-connections"})
    void shouldRefuseASlowClientLimitThatIsNotPositive(String variable, String value, String key) {
        assertThatThrownBy(() -> GatewayConfig.load(new String[0], Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
    }

    @Test
    void shouldRefuseAPerIpCapAboveTheTotalCap() {
        assertThatThrownBy(() -> GatewayConfig.load(new String[0], Map.of(
                "GATEWAY_HTTP_MAX_CONNECTIONS_PER_IP", "500", "GATEWAY_HTTP_MAX_CONNECTIONS", "100")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.max-connections-per-ip")
                .hasMessageContaining("must not exceed http.max-connections (100)");
    }
}
