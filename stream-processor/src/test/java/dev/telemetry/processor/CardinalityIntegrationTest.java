package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.Summary;
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
 * The per-app cardinality caps on a real broker with three partitions, where one app's names are spread over three
 * tasks: each admits its share, and what they turn away meets in one overflow series and one alert for the app.
 */
@ExtendWith(LocalKafkaExtension.class)
class CardinalityIntegrationTest {

    @Test
    void shouldEmitCapPlusOneOverflowSeriesAndOneAlertWhenAppsNamesOnEveryPartitionExceedCap(LocalKafka kafka,
                                                                                          @TempDir Path dir)
            throws Exception {
        Map<String, String> topics = ProcessorFixture.createTopics(kafka, "cardinality", 3);
        String applicationId = "cardinality-" + UUID.randomUUID();
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", ProcessorFixture.writeConfig(dir,
                kafka.bootstrapServers(), applicationId, dir.resolve("state"), topics,
                "{size: 5s, grace: 3s, close-check-interval: 200ms}", "  []",
                "cardinality: {max-metrics-per-app: 30}").toString()}, Map.of());

        try (StreamProcessor processor = StreamProcessor.start(config)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> processor.state() == KafkaStreams.State.RUNNING);

            // When: 300 distinct names of one app in one window, 100 on each partition
            Instant at = Instant.now();
            try (KafkaProducer<String, Envelope> producer = ProcessorFixture.producer(kafka.bootstrapServers())) {
                for (int i = 0; i < 300; i++) {
                    Envelope metric = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop",
                            at, at, "203.0.113.9", "it", new MetricEvent("latency-" + i, i, at.toEpochMilli(), Map.of()));
                    producer.send(new ProducerRecord<>(topics.get("metrics"), i % 3, metric.key(), metric));
                }
                producer.flush();
            }

            // Then: 30 series of their own (10 per task), one overflow series with the other 270, once
            List<Summary> summaries = ProcessorFixture.readCommitted(kafka, topics.get("summaries"),
                    JsonSerde.summary().deserializer(), Duration.ofSeconds(60),
                    read -> read.stream().anyMatch(s -> s.metric().equals("overflow")) && read.size() >= 31,
                    ProcessorFixture.caughtUp(kafka, applicationId, topics));
            assertThat(summaries.stream().filter(s -> s.metric().startsWith("latency-"))).hasSize(30);
            assertThat(summaries.stream().filter(s -> s.metric().equals("overflow"))).singleElement().satisfies(s -> {
                assertThat(s.series()).isEqualTo("overflow{reason=max_metrics_per_app}");
                assertThat(s.count()).isEqualTo(270);
            });
            assertThat(summaries).hasSize(31);
            List<AlertEvent> alerts = ProcessorFixture.readCommitted(kafka, topics.get("alerts"),
                    JsonSerde.alert().deserializer(), Duration.ofSeconds(30), read -> !read.isEmpty(),
                    ProcessorFixture.caughtUp(kafka, applicationId, topics));
            assertThat(alerts).singleElement().satisfies(alert -> {
                assertThat(alert.rule()).isEqualTo("cardinality_limit");
                assertThat(alert.labels()).containsEntry("app", "shop");
            });
            assertThat(processor.registry().scrape())
                    .contains("processor_series_overflow_total{app=\"shop\",reason=\"max_metrics_per_app\",service=\"stream-processor\"} 270.0");
        }
    }
}
