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
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once on a real broker across a crash: the processor runs in a child JVM, is killed with SIGKILL
 * (no clean close, open transactions) while it works through the input, and is started again on the same state
 * directory. Read with read_committed, every event is counted once and every alert transition appears once.
 */
@ExtendWith(LocalKafkaExtension.class)
class ExactlyOnceRecoveryTest {

    private static final int EVENTS = 30_000;
    private static final int SERIES = 5;
    private static final int WINDOWS = 6;
    private static final Duration WINDOW = Duration.ofSeconds(10);
    /**
     * Event times ten minutes back: far enough for the windows to be a backlog, near enough that the broker's
     * time-based retention (7 days, by record timestamp) does not delete the outputs, which carry window ends.
     */
    private static final Instant BASE = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).minusSeconds(600);

    @Test
    void shouldCountEveryEventOnceAndEmitEachAlertTransitionOnceWhenProcessorIsKilledMidStream(LocalKafka kafka,
                                                                                            @TempDir Path dir)
            throws Exception {
        Map<String, String> topics = ProcessorFixture.createTopics(kafka, "eos", 3);
        // Windows alternate between breaching (value 100) and not (1): per series fire, resolve, fire, ...
        String applicationId = "eos-" + UUID.randomUUID();
        Path config = ProcessorFixture.writeConfig(dir, kafka.bootstrapServers(), applicationId,
                dir.resolve("state"), topics, "{size: 10s, grace: 5s, close-check-interval: 500ms}",
                "  - {name: eos_high, metric: eos_ms, stat: max, operator: gt, threshold: 50, severity: high}",
                // A killed member must leave the group quickly for the restarted one to get its partitions.
                "streams: {consumer.session.timeout.ms: \"6000\", consumer.heartbeat.interval.ms: \"1000\"}");
        double expectedSum = produce(kafka, topics.get("metrics"));

        Process first = startProcessor(config, logFile("first"));
        try {
            // When: the first summaries are committed, the processor is mid-way through the input; kill it
            ProcessorFixture.readCommitted(kafka, topics.get("summaries"), JsonSerde.summary().deserializer(),
                    Duration.ofSeconds(90), read -> !read.isEmpty(), ProcessorFixture.Settled.NOW);
        } finally {
            first.destroyForcibly();
            first.waitFor();
        }
        assertThat(first.exitValue()).as("SIGKILL").isEqualTo(137);

        Process second = startProcessor(config, logFile("second"));
        try {
            List<Summary> summaries = ProcessorFixture.readCommitted(kafka, topics.get("summaries"),
                    JsonSerde.summary().deserializer(), Duration.ofSeconds(120),
                    read -> read.size() >= SERIES * WINDOWS, ProcessorFixture.caughtUp(kafka, applicationId, topics));

            assertThat(summaries.stream().map(s -> s.key() + "@" + s.windowStart()).collect(Collectors.toSet()))
                    .as("one summary per series and window").hasSize(SERIES * WINDOWS);
            assertThat(summaries).hasSize(SERIES * WINDOWS);
            assertThat(summaries.stream().mapToLong(Summary::count).sum()).isEqualTo(EVENTS);
            assertThat(summaries.stream().mapToDouble(Summary::sum).sum()).isEqualTo(expectedSum);

            List<AlertEvent> alerts = ProcessorFixture.readCommitted(kafka, topics.get("alerts"),
                    JsonSerde.alert().deserializer(), Duration.ofSeconds(90),
                    read -> read.size() >= SERIES * WINDOWS, ProcessorFixture.caughtUp(kafka, applicationId, topics));
            Set<String> transitions = alerts.stream().map(a -> a.fingerprint() + " " + a.status() + " " + a.evaluatedAt())
                    .collect(Collectors.toSet());
            assertThat(transitions).as("no transition twice").hasSize(alerts.size());
            assertThat(alerts).as("fire, resolve, fire, resolve, fire, resolve per series").hasSize(SERIES * WINDOWS);
        } finally {
            second.destroyForcibly();
            second.waitFor();
        }
    }

    /** Produces the events; returns the sum of their values. */
    private static double produce(LocalKafka kafka, String topic) throws Exception {
        double sum = 0;
        long spacing = WINDOW.toMillis() * WINDOWS / EVENTS;
        try (KafkaProducer<String, Envelope> producer = ProcessorFixture.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < EVENTS; i++) {
                Instant at = BASE.plusMillis(i * spacing);
                long window = (i * spacing) / WINDOW.toMillis();
                double value = window % 2 == 0 ? 100 : 1;
                sum += value;
                MetricEvent metric = new MetricEvent("eos_ms", value, at.toEpochMilli(), Map.of("series", "s" + (i % SERIES)));
                Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop", at,
                        at, "203.0.113.9", "eos-test", metric);
                producer.send(new ProducerRecord<>(topic, envelope.key(), envelope));
            }
            producer.flush();
        }
        return sum;
    }

    /** Child logs under target/, where they outlive the test for a look after a failure. */
    static Path logFile(String name) throws Exception {
        Path logs = java.nio.file.Files.createDirectories(Path.of("target", "child-logs"));
        return logs.resolve("exactly-once-" + name + ".log");
    }

    static Process startProcessor(Path config, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ProcessorMain.class.getName(), "--config", config.toString());
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = builder.start();
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(200)).until(() -> true);
        assertThat(process.isAlive()).as("processor started, see " + log).isTrue();
        return process;
    }
}
