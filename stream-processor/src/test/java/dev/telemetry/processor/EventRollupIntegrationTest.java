package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.processor.config.ProcessorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event-alert rollup on a real broker with several partitions: the IPs' requests sit on different partitions
 * of the raw topic, and their items meet per rule and app through the repartition topic, so one window is one
 * alert however many tasks saw offenders.
 */
@ExtendWith(LocalKafkaExtension.class)
class EventRollupIntegrationTest {

    private static final int IPS = 2_000;

    @Test
    void shouldSendAtMostThreeRollupRecordsNamingCountAndTopOffendersWhenTwoThousandIpsCrossTheRateLimit(
            LocalKafka kafka, @TempDir Path dir) throws Exception {
        Map<String, String> topics = ProcessorFixture.createTopics(kafka, "event-rollup", 3);
        String applicationId = "event-rollup-" + UUID.randomUUID();
        // A rate limit of 1 request/min: 2 000 IPs cross it with 4 000 requests. 10 s windows keep the test short.
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", ProcessorFixture.writeConfig(dir,
                kafka.bootstrapServers(), applicationId, dir.resolve("state"), topics,
                "{size: 10s, grace: 3s, close-check-interval: 200ms}", "  []",
                "rate-limit: {per-minute: 1}\nalerting: {rollup-update-interval: 30s}").toString()}, Map.of());

        try (StreamProcessor processor = StreamProcessor.start(config)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> processor.state() == KafkaStreams.State.RUNNING);

            // When: 2 000 IPs send 2 requests each, one endpoint per partition, all in one window
            long now = System.currentTimeMillis();
            Instant at = Instant.ofEpochMilli(now - Math.floorMod(now, 10_000L));
            try (KafkaProducer<String, Envelope> producer = ProcessorFixture.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < IPS; i++) {
                    int partition = i % 3;
                    for (int r = 0; r < 2; r++) {
                        Envelope request = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null,
                                "shop", at, at, "203.0.113.9", "it", new RequestEvent(ip(i), "GET",
                                "/api/e" + partition, 200, 10.0, "agent", null, null, at.toEpochMilli()));
                        producer.send(new ProducerRecord<>(topics.get("requests"), partition, request.key(), request));
                    }
                }
                producer.flush();
            }

            // Then: when the window has closed, its rollup went out at most three times, the last naming all 2 000
            List<AlertEvent> alerts = ProcessorFixture.readCommitted(kafka, topics.get("alerts"),
                    JsonSerde.alert().deserializer(), Duration.ofSeconds(90),
                    read -> read.stream().anyMatch(a -> a.rule().equals("rate_limit_exceeded")
                            && Integer.toString(IPS).equals(a.annotations().get("count"))),
                    ProcessorFixture.caughtUp(kafka, applicationId, topics));
            List<AlertEvent> rollups = alerts.stream().filter(a -> a.rule().equals("rate_limit_exceeded")
                    && a.startsAt().equals(at)).toList();
            assertThat(rollups).hasSizeBetween(1, 3);
            assertThat(rollups).extracting(AlertEvent::fingerprint).containsOnly(rollups.get(0).fingerprint());
            AlertEvent last = rollups.get(rollups.size() - 1);
            assertThat(last.labels()).containsOnlyKeys("alertname", "app", "severity");
            assertThat(last.annotations()).containsEntry("count", "2000").containsEntry("distinct_ips", "2000")
                    .containsEntry("window_start", at.toString());
            assertThat(last.annotations().get("top_offenders").split(", ")).hasSize(10)
                    .allMatch(offender -> offender.endsWith(" (1)"));
            assertThat(last.annotations().get("summary")).startsWith("2000 IPs crossed the rate limit of 1 requests/min on shop");
        }
    }

    private static String ip(int i) {
        return "10.1." + (i / 250) + "." + (i % 250);
    }
}
