package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.FeedbackEvent;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.telemetry.stack.TelemetryScript.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./telemetry audit --config processor.yaml ...} typed as the README prints it, against a real broker and the
 * real processor (in this JVM): the processor's account of metrics, a poison record and feedback reconciles with the
 * raw topics as the auditor counts them, window by window. The script runs the auditor's jar as the reactor built it;
 * a stand-in {@code mvn} on the PATH fails the command if the script tried to build.
 */
@ExtendWith(LocalKafkaExtension.class)
class TelemetryAuditCommandTest {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);
    private static final JsonCodec CODEC = JsonCodec.standard();

    private StreamProcessor processor;

    @AfterEach
    void stop() {
        if (processor != null) {
            processor.close();
        }
    }

    @Test
    void shouldMatchEveryWindowAndExitZeroWhenTheProcessorAccountedForMetricsPoisonAndFeedback(LocalKafka kafka,
                                                                                              @TempDir Path dir)
            throws Exception {
        // Given: a processor on topics of its own, with 2 s windows
        String bootstrap = kafka.bootstrapServers();
        String topics = Stream.of(Topic.values())
                .map(t -> t.configKey() + ": " + kafka.uniqueTopicName("audit-" + t.configKey()))
                .collect(Collectors.joining(", ", "topics: {", "}"));
        Path config = Files.writeString(dir.resolve("processor.yaml"), """
                kafka: {bootstrap-servers: "%s"}
                application-id: audit-%s
                state-dir: "%s"
                http: {host: 127.0.0.1, port: 0}
                windows: {size: 2s, grace: 1s, close-check-interval: 200ms}
                commit-interval: 200ms
                %s
                """.formatted(bootstrap, UUID.randomUUID(), dir.resolve("state"), topics));
        ProcessorConfig processorConfig = ProcessorConfig.load(new String[] {"--config", config.toString()});
        TopicCatalogue catalogue = processorConfig.topicCatalogue();
        kafka.createCatalogueTopics(catalogue, 2);
        processor = StreamProcessor.start(processorConfig);

        // When: 40 metrics, a record that is not an envelope and 3 feedbacks reach the raw topics
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 40; i++) {
                Instant at = now.plusMillis(i * 50L);
                send(producer, catalogue.name(Topic.METRICS), envelope(new MetricEvent("checkout_ms", i, at.toEpochMilli(),
                        Map.of("region", i % 2 == 0 ? "eu" : "us")), at));
            }
            producer.send(new ProducerRecord<>(catalogue.name(Topic.METRICS), null, now.toEpochMilli(), "shop|checkout_ms",
                    "{\"not\": \"an envelope\"".getBytes(StandardCharsets.UTF_8))).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                send(producer, catalogue.name(Topic.FEEDBACK), envelope(new FeedbackEvent("Ann", "ann@example.com",
                        "fine " + i, now.toEpochMilli()), now));
            }
        }

        // Then: once the processor has closed the windows, the audit matches every one and exits 0
        AtomicReference<Result> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Result result = telemetry(dir, "audit", "--config", config.toString(), "--from", "-10m",
                    "--bootstrap-server", bootstrap, "--format", "json");
            last.set(result);
            return result.code() == 0 && !result.out().isBlank() && !result.out().contains("\"pending\"")
                    && total(result, "published") == 44;
        });
        Result result = last.get();
        assertThat(result.err()).contains("0 mismatch, 0 pending");
        List<JsonNode> rows = rows(result);
        assertThat(rows).allSatisfy(row -> assertThat(row.get("status").asText()).isEqualTo("match"));
        assertThat(total(result, "summarised")).isEqualTo(40);
        assertThat(total(result, "deadLettered")).isEqualTo(1);
        assertThat(total(result, "notSummarised")).as("feedback").isEqualTo(3);
        assertThat(rows).filteredOn(row -> row.get("topic").asText().equals(catalogue.name(Topic.FEEDBACK)))
                .isNotEmpty();

        // And: the table names the columns
        Result table = telemetry(dir, "audit", "--config", config.toString(), "--from", "-10m",
                "--bootstrap-server", bootstrap);
        assertThat(table.code()).as(table.err()).isZero();
        assertThat(table.out()).startsWith("APP").contains("PUBLISHED", "DEAD-LETTERED", "match");
    }

    private static long total(Result result, String field) {
        return rows(result).stream().mapToLong(row -> row.get(field).asLong()).sum();
    }

    private static List<JsonNode> rows(Result result) {
        ObjectMapper mapper = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        result.out().lines().filter(line -> !line.isBlank()).forEach(line -> {
            try {
                rows.add(mapper.readTree(line));
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        });
        return rows;
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, Envelope envelope) throws Exception {
        producer.send(new ProducerRecord<>(topic, null, envelope.eventTime().toEpochMilli(), envelope.key(),
                CODEC.writeEnvelope(envelope))).get(60, TimeUnit.SECONDS);
    }

    private static Envelope envelope(TelemetryEvent event, Instant at) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop", at, at,
                "198.51.100.7", "audit-test", event);
    }

    /** {@code ./telemetry args...} as typed ({@link TelemetryScript}). */
    private static Result telemetry(Path dir, String... args) throws Exception {
        return TelemetryScript.run(dir, Map.of(), COMMAND_TIMEOUT, args);
    }
}
