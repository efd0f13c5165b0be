package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
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

/** Two processor instances with one application id: they share the partitions, and one carries on alone. */
@ExtendWith(LocalKafkaExtension.class)
class SharedApplicationTest {

    private static final int SERIES = 8;
    /**
     * Event times from now on: the windows under test must stay open by the wall clock while the group rebalances
     * (the input is read to the end within seconds, and the wall clock then closes whatever ended grace ago).
     */
    private static final Instant BASE = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 10 * 10);

    @Test
    void shouldShareTasksAndCarryOnWithRestoredWindowsWhenOneInstanceStops(LocalKafka kafka, @TempDir Path dir)
            throws Exception {
        Map<String, String> topics = ProcessorFixture.createTopics(kafka, "shared", 2);
        String applicationId = "shared-" + UUID.randomUUID();
        // A grace longer than the test: the windows close by stream time only, never by the wall clock.
        String windows = "{size: 10s, grace: 300s, close-check-interval: 500ms}";
        String streams = "streams: {consumer.session.timeout.ms: \"6000\", consumer.heartbeat.interval.ms: \"1000\"}";
        ProcessorConfig configA = ProcessorConfig.load(new String[] {"--config", ProcessorFixture.writeConfig(dir,
                kafka.bootstrapServers(), applicationId, dir.resolve("state-a"), topics, windows, "  []", streams).toString()},
                Map.of());
        ProcessorConfig configB = ProcessorConfig.load(new String[] {"--config", ProcessorFixture.writeConfig(dir,
                kafka.bootstrapServers(), applicationId, dir.resolve("state-b"), topics, windows, "  []", streams).toString()},
                Map.of());

        try (StreamProcessor b = StreamProcessor.start(configB)) {
            try (StreamProcessor a = StreamProcessor.start(configA)) {
                // Six tasks: two partitions of each sub-topology (windows and rules; the event-alert rollup; the SLO
                // windows).
                await().atMost(Duration.ofSeconds(90)).until(() -> a.state() == KafkaStreams.State.RUNNING
                        && b.state() == KafkaStreams.State.RUNNING && a.activeTasks() == 3 && b.activeTasks() == 3);

                // Given: window 0 complete and closed (stream time 310 s >= 10 s + 300 s), half of window 1 open
                produce(kafka, topics.get("metrics"), 0, 100);
                produce(kafka, topics.get("metrics"), 15, 50);
                produce(kafka, topics.get("metrics"), 310, 1);
                ProcessorFixture.readCommitted(kafka, topics.get("summaries"), JsonSerde.summary().deserializer(),
                        Duration.ofSeconds(60), read -> read.size() >= SERIES, ProcessorFixture.Settled.NOW);
            }

            // When: A stops, B takes over its partition with the open windows restored from the changelog
            await().atMost(Duration.ofSeconds(90)).until(() -> b.activeTasks() == 6);
            produce(kafka, topics.get("metrics"), 18, 50);
            produce(kafka, topics.get("metrics"), 330, 1);

            List<Summary> summaries = ProcessorFixture.readCommitted(kafka, topics.get("summaries"),
                    JsonSerde.summary().deserializer(), Duration.ofSeconds(60), read -> read.size() >= 2 * SERIES,
                    ProcessorFixture.caughtUp(kafka, applicationId, topics));
            assertThat(summaries).as("windows 0 and 1 of every series, once").hasSize(2 * SERIES);
            assertThat(summaries).filteredOn(s -> s.windowStart().equals(BASE)).extracting(Summary::count)
                    .containsOnly(100L).hasSize(SERIES);
            assertThat(summaries).filteredOn(s -> s.windowStart().equals(BASE.plusSeconds(10)))
                    .as("half counted before the hand-over, half after").extracting(Summary::count)
                    .containsOnly(100L).hasSize(SERIES);
        }
    }

    /** {@code perSeries} events for each series, at {@code second} seconds after BASE (spread over one second). */
    private static void produce(LocalKafka kafka, String topic, int second, int perSeries) throws Exception {
        try (KafkaProducer<String, Envelope> producer = ProcessorFixture.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < perSeries * SERIES; i++) {
                Instant at = BASE.plusSeconds(second).plusMillis(i % 1000);
                MetricEvent metric = new MetricEvent("shared_ms", 1, at.toEpochMilli(), Map.of("series", "s" + (i % SERIES)));
                Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop", at,
                        at, "203.0.113.9", "shared-test", metric);
                producer.send(new ProducerRecord<>(topic, envelope.key(), envelope));
            }
            producer.flush();
        }
    }
}
