package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's {@code error_rate} on a real broker with several partitions: the TopologyTestDriver has one
 * partition per topic, so only here can an app's endpoints sit on different partitions of the raw topic.
 */
@ExtendWith(LocalKafkaExtension.class)
class AppErrorRateIntegrationTest {

    @Test
    void shouldSummariseAppErrorRateOnceWhenItsEndpointsSitOnDifferentPartitions(LocalKafka kafka, @TempDir Path dir)
            throws Exception {
        Map<String, String> topics = ProcessorFixture.createTopics(kafka, "app-error-rate", 3);
        String applicationId = "app-error-rate-" + UUID.randomUUID();
        // A grace long enough that a slow commit cannot make a repartitioned request late, short enough for the test.
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", ProcessorFixture.writeConfig(dir,
                kafka.bootstrapServers(), applicationId, dir.resolve("state"), topics,
                "{size: 5s, grace: 3s, close-check-interval: 200ms}", "  []", "").toString()}, Map.of());

        try (StreamProcessor processor = StreamProcessor.start(config)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> processor.state() == KafkaStreams.State.RUNNING);

            // When: 6 requests of one app, 2 with status >= 500, one endpoint per partition of the raw topic
            Instant at = Instant.now();
            try (KafkaProducer<String, Envelope> producer = ProcessorFixture.producer(kafka.bootstrapServers())) {
                int[][] statusByPartition = {{200, 503}, {500, 200}, {200, 404}};
                for (int partition = 0; partition < 3; partition++) {
                    for (int status : statusByPartition[partition]) {
                        Envelope request = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null,
                                "shop", at, at, "203.0.113.9", "it", new RequestEvent("198.51.100.1", "GET",
                                "/api/e" + partition, status, 10.0, "agent", null, null, at.toEpochMilli()));
                        producer.send(new ProducerRecord<>(topics.get("requests"), partition, request.key(), request));
                    }
                }
                producer.flush();
            }

            // Then: one error_rate summary for the app, over all three partitions' requests, once
            List<Summary> summaries = ProcessorFixture.readCommitted(kafka, topics.get("summaries"),
                    JsonSerde.summary().deserializer(), Duration.ofSeconds(60),
                    read -> read.stream().anyMatch(s -> s.metric().equals("error_rate")),
                    ProcessorFixture.caughtUp(kafka, applicationId, topics));
            List<Summary> appErrorRates = summaries.stream().filter(s -> s.metric().equals("error_rate")).toList();
            assertThat(appErrorRates).hasSize(1);
            Summary errorRate = appErrorRates.get(0);
            assertThat(errorRate.app()).isEqualTo("shop");
            assertThat(errorRate.labels()).isEmpty();
            assertThat(errorRate.count()).isEqualTo(6);
            assertThat(errorRate.sum()).isEqualTo(2.0);
            assertThat(errorRate.mean()).isEqualTo(2.0 / 6);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).contains(applicationId + "-requests-by-app-repartition");
            }
        }
    }
}
