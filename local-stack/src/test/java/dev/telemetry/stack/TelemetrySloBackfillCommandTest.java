package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.processor.slo.SloBackfill;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import dev.telemetry.stack.TelemetryScript.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./telemetry slo backfill NAME --config processor.yaml} typed as the README prints it, against a real broker
 * and a processor running in this JVM: an SLO added to a processor that had already read the raw topics starts with
 * empty long windows; the command fills them from the history, so the next {@code telemetry.slo} report counts it,
 * exactly, next to what the processor counted live; running it again changes no count.
 *
 * <p>The script runs the processor's jar as the reactor built it ({@code mvn -pl local-stack -am verify} packages
 * the stream processor first). A stand-in {@code mvn} on the PATH fails the command if the script tried to build:
 * a test must not start a nested Maven.
 */
@ExtendWith(LocalKafkaExtension.class)
class TelemetrySloBackfillCommandTest {

    private static final String SLO = "checkout-availability";
    private static final String CHECKOUT = "/api/checkout";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(90);

    private StreamProcessor processor;

    @AfterEach
    void stop() {
        if (processor != null) {
            processor.close();
        }
    }

    @ParameterizedTest(name = "./telemetry {0}")
    @ValueSource(strings = {"slo", "slo backfill", "slo fill checkout-availability"})
    void shouldExitTwoWithUsageWhenTheSubcommandOrNameIsMissing(String args, @TempDir Path dir) throws Exception {
        Result result = telemetry(dir, Map.of(), args.split(" "));

        assertThat(result.code()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("usage: ./telemetry slo backfill NAME [--config processor.yaml]");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void shouldCountTheHistoryOnceWhenTheCommandRunsTwiceAfterTheSloWasAdded(LocalKafka kafka, @TempDir Path dir)
            throws Exception {
        // Given: topics of its own, and request logs from before the SLO existed: 90 checkout requests of app
        // "shop" between 3 h and 1.5 h ago (9 failing with 503, 10 with 404, which is good), 30 failing requests of
        // another endpoint (not the SLO's), and 10 checkout requests of app "legacy", which sends nothing live
        String bootstrap = kafka.bootstrapServers();
        String topics = Stream.of(Topic.values())
                .map(t -> t.configKey() + ": " + kafka.uniqueTopicName("slo-backfill-" + t.configKey()))
                .collect(Collectors.joining(", ", "topics: {", "}"));
        String applicationId = "slo-backfill-" + UUID.randomUUID();
        Path withoutSlo = config(dir.resolve("processor-before.yaml"), bootstrap, applicationId, dir, topics, "");
        Path withSlo = config(dir.resolve("processor.yaml"), bootstrap, applicationId, dir, topics, """
                slos:
                  - name: %s
                    objective: 99.9
                    period: 7d
                    sli: {type: availability, endpoint: %s}
                """.formatted(SLO, CHECKOUT));
        ProcessorConfig before = ProcessorConfig.load(new String[] {"--config", withoutSlo.toString()});
        kafka.createCatalogueTopics(before.topicCatalogue());
        String requests = before.topicCatalogue().name(Topic.REQUESTS);
        String repartition = SloBackfill.repartitionTopic(applicationId);
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        Instant from = now.minus(Duration.ofHours(3));
        List<Envelope> history = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            int status = i % 10 == 0 ? 503 : i % 9 == 1 ? 404 : 200;
            history.add(request("shop", CHECKOUT, status, from.plus(Duration.ofMinutes(i))));
        }
        for (int i = 0; i < 30; i++) {
            history.add(request("shop", "/api/other", 500, from.plus(Duration.ofMinutes(3L * i))));
        }
        for (int i = 0; i < 10; i++) {
            history.add(request("legacy", CHECKOUT, 200, from.plus(Duration.ofMinutes(5L * i))));
        }
        send(bootstrap, requests, history);

        // And: the processor ran without the SLO and read all of it; then it restarts with the SLO configured and
        // counts 20 checkout requests live (2 failing)
        processor = StreamProcessor.start(before);
        await().atMost(Duration.ofSeconds(60)).until(() -> caughtUp(bootstrap, applicationId, requests));
        processor.close();
        processor = StreamProcessor.start(ProcessorConfig.load(new String[] {"--config", withSlo.toString()}));
        Instant liveAt = Instant.ofEpochMilli(System.currentTimeMillis());
        List<Envelope> live = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            live.add(request("shop", CHECKOUT, i < 2 ? 503 : 200, liveAt.plusMillis(i)));
        }
        send(bootstrap, requests, live);
        try (Reports reports = new Reports(bootstrap, before.topicCatalogue().name(Topic.SLO))) {
            SloReport liveOnly = reports.awaitShop(r -> span(r, "1d").total() == 20);
            assertThat(span(liveOnly, "1d").good()).isEqualTo(18);
            assertThat(liveOnly.periodTotal()).as("the history is not counted live").isEqualTo(20);

            // When: the command runs as a user types it
            Result first = telemetry(dir, Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
                    "slo", "backfill", SLO, "--config", withSlo.toString());

            // Then: it exits 0, having read every request since the period's start (to the end it found)
            assertThat(first.code()).as(first.err()).isZero();
            assertThat(first.out()).contains("SLO " + SLO + ": read 150 raw events").contains("for 2 app(s)");
            // And: once the processor has read the backfill, the next report counts the history next to the live
            // requests, each once: 110 in 6 h and 1 d and the period (11 failing), the last hour live only
            await().atMost(Duration.ofSeconds(60)).until(() -> caughtUp(bootstrap, applicationId, repartition));
            Instant applied = Instant.now();
            SloReport filled = reports.awaitShop(r -> r.windowStart().isAfter(applied));
            assertCounts(filled, 110, 99);
            assertThat(span(filled, "1h").total()).isEqualTo(20);
            assertThat(span(filled, "1h").good()).isEqualTo(18);
            SloReport legacy = reports.await(r -> r.app().equals("legacy"));
            assertThat(legacy.periodTotal()).as("a series only the history has").isEqualTo(10);
            assertThat(legacy.periodGood()).isEqualTo(10);

            // When: it runs a second time
            Result second = telemetry(dir, Map.of("KAFKA_BOOTSTRAP_SERVERS", bootstrap),
                    "slo", "backfill", SLO, "--config", withSlo.toString());

            // Then: it exits 0 and, once read, changes no count
            assertThat(second.code()).as(second.err()).isZero();
            await().atMost(Duration.ofSeconds(60)).until(() -> caughtUp(bootstrap, applicationId, repartition));
            Instant reapplied = Instant.now();
            SloReport after = reports.awaitShop(r -> r.windowStart().isAfter(reapplied));
            assertCounts(after, 110, 99);
            assertThat(reports.read()).filteredOn(r -> r.app().equals("shop")).allSatisfy(r ->
                    assertThat(r.periodTotal()).as("never more than history and live, once").isLessThanOrEqualTo(110));
            assertThat(reports.read()).filteredOn(r -> r.app().equals("legacy") && r.windowStart().isAfter(reapplied))
                    .allSatisfy(r -> assertThat(r.periodTotal()).isEqualTo(10));
        }
    }

    private static void assertCounts(SloReport report, double total, double good) {
        for (String window : List.of("6h", "1d", "3d")) {
            assertThat(span(report, window).total()).as(window + " total").isEqualTo(total);
            assertThat(span(report, window).good()).as(window + " good").isEqualTo(good);
        }
        assertThat(report.periodTotal()).isEqualTo(total);
        assertThat(report.periodGood()).isEqualTo(good);
    }

    private static SloReport.BurnRate span(SloReport report, String window) {
        return report.burnRates().stream().filter(r -> r.window().equals(window)).findFirst().orElseThrow();
    }

    private static Path config(Path file, String bootstrap, String applicationId, Path dir, String topics,
                               String slos) throws IOException {
        // The session timeout lets the restarted processor have the partitions of the one it replaces quickly.
        return Files.writeString(file, """
                kafka: {bootstrap-servers: "%s"}
                application-id: %s
                state-dir: "%s"
                http: {host: 127.0.0.1, port: 0}
                windows: {size: 2s, grace: 1s, close-check-interval: 200ms}
                commit-interval: 200ms
                streams: {consumer.session.timeout.ms: "6000", consumer.heartbeat.interval.ms: "1000"}
                %s
                %s""".formatted(bootstrap, applicationId, dir.resolve("state"), topics, slos));
    }

    private static Envelope request(String app, String endpoint, int status, Instant at) {
        RequestEvent event = new RequestEvent("198.51.100.7", "GET", endpoint, status, 25, "agent", null, null,
                at.toEpochMilli());
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, at, at, "198.51.100.7",
                "slo-backfill-test", event);
    }

    /**
     * Sends each envelope with its event time as the record's timestamp, as if it had been there since; one at a
     * time, each acknowledged, so that a topic still electing its leader costs a retry, never a record (pipelined
     * batches once ended in OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout dropped them).
     */
    private static void send(String bootstrap, String topic, List<Envelope> envelopes) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), JsonSerde.envelope().serializer())) {
            for (Envelope e : envelopes) {
                producer.send(new ProducerRecord<>(topic, null, e.eventTime().toEpochMilli(), e.key(), e))
                        .get(60, TimeUnit.SECONDS);
            }
        }
    }

    /** Whether the application has committed offsets up to the end of every partition of {@code topic}. */
    private static boolean caughtUp(String bootstrap, String applicationId, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ends = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(topic).partitions().stream()
                    .collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
            return admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS).entrySet().stream().allMatch(end -> {
                OffsetAndMetadata at = committed.get(end.getKey());
                return end.getValue().offset() == 0 || at != null && at.offset() >= end.getValue().offset();
            });
        }
    }

    /** {@code ./telemetry args...} as typed ({@link TelemetryScript}). */
    private static Result telemetry(Path dir, Map<String, String> env, String... args) throws Exception {
        return TelemetryScript.run(dir, env, COMMAND_TIMEOUT, args);
    }

    /** The SLO reports as the processor commits them, read from the topic's start. */
    private static final class Reports implements AutoCloseable {

        private final KafkaConsumer<String, SloReport> consumer;
        private final List<SloReport> read = new ArrayList<>();

        Reports(String bootstrap, String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "slo-backfill-reader-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props, new StringDeserializer(), JsonSerde.sloReport().deserializer());
            consumer.subscribe(List.of(topic));
        }

        List<SloReport> read() {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
            return List.copyOf(read);
        }

        /** The first report of SLO {@value #SLO} that {@code matches}, waiting for it. */
        SloReport await(java.util.function.Predicate<SloReport> matches) {
            return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInSameThread()
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> read().stream().filter(r -> r.slo().equals(SLO)).filter(matches).findFirst(),
                            java.util.Optional::isPresent)
                    .orElseThrow();
        }

        SloReport awaitShop(java.util.function.Predicate<SloReport> matches) {
            return await(r -> r.app().equals("shop") && matches.test(r));
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
