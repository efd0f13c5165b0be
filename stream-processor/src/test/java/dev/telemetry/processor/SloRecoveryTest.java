package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SLO's windows survive a crash on a real broker: the processor (a child JVM) counts a first batch of requests,
 * is killed with SIGKILL, and starts again on an empty state directory, so everything it knows comes back from the
 * changelogs. The reports after the restart count the first batch and the second, and no window is reported twice.
 */
@ExtendWith(LocalKafkaExtension.class)
class SloRecoveryTest {

    private static final Duration WINDOW = Duration.ofSeconds(10);
    /** Event times of the first batch: minutes back, so that its windows close as soon as it has been read. */
    private static final Instant BASE = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(300);
    private static final String ENDPOINT = "/api/checkout";

    @Test
    void shouldCountBothBatchesOnceWhenKilledAndRestoredFromTheChangelog(LocalKafka kafka, @TempDir Path dir)
            throws Exception {
        // Given: a 99 % availability SLO over every endpoint (so its counts go through the SLO repartition topic)
        Map<String, String> topics = ProcessorFixture.createTopics(kafka, "slo", 3);
        String applicationId = "slo-" + UUID.randomUUID();
        String slos = """
                slos:
                  - {name: availability, objective: 99, period: 3d, sli: {type: availability}}
                streams: {consumer.session.timeout.ms: "6000", consumer.heartbeat.interval.ms: "1000"}""";
        Path first = ProcessorFixture.writeConfig(dir, kafka.bootstrapServers(), applicationId, dir.resolve("state-1"),
                topics, "{size: 10s, grace: 2s, close-check-interval: 500ms}", "  []", slos);
        // 600 requests over the first minute, 30 of them failed, from 20 endpoints (spread over the partitions)
        produce(kafka, topics.get("requests"), BASE, Duration.ofMinutes(1), 600, 30);

        Process processor = ExactlyOnceRecoveryTest.startProcessor(first, ExactlyOnceRecoveryTest.logFile("slo-first"));
        try {
            // When: the first minute's six windows are reported; then the processor is killed
            List<SloReport> before = ProcessorFixture.readCommitted(kafka, topics.get("slo"),
                    JsonSerde.sloReport().deserializer(), Duration.ofSeconds(300),
                    read -> read.stream().anyMatch(r -> r.windowStart().equals(BASE.plusSeconds(50))),
                    ProcessorFixture.Settled.NOW);
            assertThat(before).as("first minute reported").isNotEmpty();
        } finally {
            processor.destroyForcibly();
            processor.waitFor();
        }
        assertThat(processor.exitValue()).as("SIGKILL").isEqualTo(137);

        // And: restarted on an empty state directory, with 400 more requests (40 failed) in the current window
        Path second = ProcessorFixture.writeConfig(dir, kafka.bootstrapServers(), applicationId, dir.resolve("state-2"),
                topics, "{size: 10s, grace: 2s, close-check-interval: 500ms}", "  []", slos);
        processor = ExactlyOnceRecoveryTest.startProcessor(second, ExactlyOnceRecoveryTest.logFile("slo-second"));
        try {
            // Whole milliseconds, as event times are: a window start with nanoseconds would match no report.
            Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
            Instant lastWindow = now.minusMillis(now.toEpochMilli() % WINDOW.toMillis());
            produce(kafka, topics.get("requests"), lastWindow, WINDOW, 400, 40);
            List<SloReport> reports = ProcessorFixture.readCommitted(kafka, topics.get("slo"),
                    JsonSerde.sloReport().deserializer(), Duration.ofSeconds(300),
                    read -> read.stream().anyMatch(r -> r.windowStart().equals(lastWindow)),
                    ProcessorFixture.caughtUp(kafka, applicationId, topics));

            // Then: every window from the first on is reported once, without a gap (the wall clock goes on closing
            // empty windows after the last one), and the last one with events counts both batches
            Map<Instant, Long> perWindow = reports.stream().collect(Collectors.groupingBy(SloReport::windowStart,
                    Collectors.counting()));
            assertThat(perWindow.values()).as("no window reported twice").containsOnly(1L);
            Instant latest = perWindow.keySet().stream().max(Instant::compareTo).orElseThrow();
            assertThat(latest).isAfterOrEqualTo(lastWindow);
            long windows = Duration.between(BASE, latest).dividedBy(WINDOW) + 1;
            assertThat(perWindow).as("every window from the first to the latest").hasSize((int) windows);
            assertThat(Collections.min(perWindow.keySet())).isEqualTo(BASE);
            SloReport last = reports.stream().filter(r -> r.windowStart().equals(lastWindow)).findFirst().orElseThrow();
            assertThat(last.good()).isEqualTo(360);
            assertThat(last.total()).isEqualTo(400);
            assertThat(last.periodTotal()).isEqualTo(1000);
            assertThat(last.periodGood()).isEqualTo(930);
            assertThat(last.burnRates()).filteredOn(r -> r.window().equals("1h")).singleElement()
                    .satisfies(r -> assertThat(r.total()).isEqualTo(1000));
            assertThat(last.budgetRemaining()).isEqualTo(1 - 70.0 / 10.0, org.assertj.core.api.Assertions.within(1e-12));
            assertThat(reports.stream().mapToDouble(SloReport::total).sum()).isEqualTo(1000);
        } finally {
            processor.destroyForcibly();
            processor.waitFor();
        }
    }

    /** {@code n} requests spread over {@code span} from {@code from}, the first {@code failed} with status 503. */
    private static void produce(LocalKafka kafka, String topic, Instant from, Duration span, int n, int failed)
            throws Exception {
        try (KafkaProducer<String, Envelope> producer = ProcessorFixture.producer(kafka.bootstrapServers())) {
            for (int i = 0; i < n; i++) {
                Instant at = from.plusMillis(i * span.toMillis() / n);
                RequestEvent request = new RequestEvent("198.51.100." + (i % 7), "GET", "/api/e" + (i % 20),
                        i < failed ? 503 : 200, 20, "agent", null, null, at.toEpochMilli());
                Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop", at,
                        at, "198.51.100.1", "slo-test", request);
                producer.send(new ProducerRecord<>(topic, envelope.key(), envelope));
            }
            producer.flush();
        }
    }
}
