package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.processor.config.ProcessorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog in two partitions of one task, one dense and one sparse, on a real broker. Kafka Streams runs with
 * {@code max.task.idle.ms=-1}: whenever the dense partition's buffer runs dry between fetches it goes on with the
 * sparse partition's buffered records, which span the whole backlog. Stream time must still wait for the dense
 * partition ({@code ReadProgress#streamTimeBound}), or its events in every window in between are dropped as late.
 */
@ExtendWith(LocalKafkaExtension.class)
class InterleavedBacklogTest {

    private static final int METRICS = 200_000;
    private static final int VITALS = 600;
    private static final Duration SPAN = Duration.ofMinutes(10);
    /** Long enough ago that the wall clock closes the last windows once the backlog is read. */
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(20));

    @Test
    void shouldSummariseEveryEventOfADensePartitionWhenASparsePartitionOfTheSameTaskIsReadFarAhead(LocalKafka kafka,
                                                                                                   @TempDir Path dir)
            throws Exception {
        // One partition per topic: both partitions belong to the same task.
        Map<String, String> topics = ProcessorFixture.createTopics(kafka, "interleave", 1);
        produce(kafka, topics);
        String applicationId = "interleave-" + UUID.randomUUID();
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", ProcessorFixture.writeConfig(dir,
                kafka.bootstrapServers(), applicationId, dir.resolve("state"), topics,
                "{size: 10s, grace: 2s, close-check-interval: 500ms}", "  []", "").toString()});

        try (StreamProcessor processor = StreamProcessor.start(config)) {
            List<Summary> summaries = ProcessorFixture.readCommitted(kafka, topics.get("summaries"),
                    JsonSerde.summary().deserializer(), Duration.ofSeconds(180),
                    read -> summarised(read, "interleave_ms") >= METRICS && summarised(read, "LCP") >= VITALS,
                    ProcessorFixture.caughtUp(kafka, applicationId, topics));

            assertThat(summarised(summaries, "interleave_ms")).as("every metric event summarised, none late")
                    .isEqualTo(METRICS);
            assertThat(summarised(summaries, "LCP")).as("every vital summarised").isEqualTo(VITALS);
        }
    }

    private static long summarised(List<Summary> summaries, String metric) {
        return summaries.stream().filter(s -> s.metric().equals(metric) && s.labels().isEmpty())
                .mapToLong(Summary::count).sum();
    }

    private static void produce(LocalKafka kafka, Map<String, String> topics) {
        long spacing = SPAN.toMillis() / METRICS;
        try (KafkaProducer<String, Envelope> producer = ProcessorFixture.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < METRICS; i++) {
                Instant at = BASE.plusMillis(i * Math.max(1, spacing));
                MetricEvent metric = new MetricEvent("interleave_ms", 1, at.toEpochMilli(), Map.of());
                send(producer, topics.get("metrics"), at, metric);
            }
            for (int i = 0; i < VITALS; i++) {
                Instant at = BASE.plus(SPAN.multipliedBy(i).dividedBy(VITALS));
                VitalEvent vital = new VitalEvent("LCP", 1200, "v1-" + i, "navigate", null, null, null, null,
                        at.toEpochMilli());
                send(producer, topics.get("vitals"), at, vital);
            }
            producer.flush();
        }
    }

    private static void send(KafkaProducer<String, Envelope> producer, String topic, Instant at,
                             dev.telemetry.events.TelemetryEvent event) {
        Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop", at, at,
                "203.0.113.9", "interleave-test", event);
        producer.send(new ProducerRecord<>(topic, envelope.key(), envelope));
    }
}
