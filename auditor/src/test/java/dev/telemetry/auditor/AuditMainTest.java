package dev.telemetry.auditor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AuditRecord;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./telemetry audit} against a real broker: raw records it counts itself, reconciled with an account written
 * as the processor writes it (counts per app, topic, partition and window, then progress). The processor's own
 * account is checked end to end by the fault scenarios.
 */
@ExtendWith(LocalKafkaExtension.class)
class AuditMainTest {

    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
    private static final Clock NOW = Clock.fixed(T0.plus(Duration.ofMinutes(30)), ZoneOffset.UTC);
    private static final JsonCodec CODEC = JsonCodec.standard();

    @TempDir
    Path dir;
    private LocalKafka kafka;
    private TopicCatalogue topics;
    private Path config;
    /** Per metrics partition: what the raw side holds in window [T0, T0+1m): summarised, dead-lettered. */
    private final Map<Integer, long[]> window0 = new HashMap<>();
    private final Map<Integer, Long> ends = new HashMap<>();

    @BeforeEach
    void history(LocalKafka kafka) throws Exception {
        this.kafka = kafka;
        Map<String, String> names = new HashMap<>();
        for (Topic topic : Topic.values()) {
            names.put(topic.configKey(), kafka.uniqueTopicName("audit-" + topic.configKey()));
        }
        topics = TopicCatalogue.withOverrides(names);
        kafka.createCatalogueTopics(topics, 2);
        StringBuilder yaml = new StringBuilder("topics:\n");
        names.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        config = Files.writeString(dir.resolve("processor.yaml"), yaml.toString());
        try (KafkaProducer<String, byte[]> producer = producer()) {
            String metrics = topics.name(Topic.METRICS);
            for (int i = 0; i < 20; i++) {
                Instant at = T0.plusSeconds(i * 2);
                Envelope e = envelope("shop", "m" + (i % 4), at);
                RecordMetadata m = producer.send(new ProducerRecord<>(metrics, null, at.toEpochMilli(), e.key(),
                        CODEC.writeEnvelope(e))).get();
                window0.computeIfAbsent(m.partition(), p -> new long[2])[0]++;
                ends.merge(m.partition(), m.offset() + 1, Math::max);
            }
            RecordMetadata poison = producer.send(new ProducerRecord<>(metrics, null, T0.plusSeconds(50).toEpochMilli(),
                    "shop|broken", "{not json".getBytes(StandardCharsets.UTF_8))).get();
            window0.computeIfAbsent(poison.partition(), p -> new long[2])[1]++;
            ends.merge(poison.partition(), poison.offset() + 1, Math::max);
        }
    }

    @Test
    void shouldMatchEveryWindowAndExitZeroWhenTheAccountCoversEachRecord() throws Exception {
        writeAccount(0);

        Result result = audit("--format", "json");

        assertThat(result.exit).as(result.err).isZero();
        assertThat(result.out.lines()).singleElement().satisfies(line -> {
            assertThat(line).contains("\"app\":\"shop\"", "\"published\":21", "\"summarised\":20",
                    "\"deadLettered\":1", "\"status\":\"match\"", "\"windowStart\":\"" + T0 + "\"");
        });
        assertThat(result.err).contains("1 row(s)", "1 match, 0 mismatch, 0 pending");
    }

    @Test
    void shouldReportAMismatchWithBothSidesAndExitOneWhenAnEventIsSummarisedTwice() throws Exception {
        // A processor bug, simulated: one event counted summarised twice.
        writeAccount(1);

        Result result = audit();

        assertThat(result.exit).isEqualTo(AuditMain.MISMATCH);
        assertThat(result.out).contains("mismatch (-1 unaccounted)").contains(" 21 ");
        assertThat(result.err).contains("0 match, 1 mismatch");
    }

    @Test
    void shouldLeaveAWindowPendingWhileTheProcessorHasNotAccountedForIt() throws Exception {
        writeAccount(0);
        try (KafkaProducer<String, byte[]> producer = producer()) {
            Instant later = T0.plus(Duration.ofMinutes(3));
            Envelope e = envelope("shop", "m0", later);
            producer.send(new ProducerRecord<>(topics.name(Topic.METRICS), null, later.toEpochMilli(), e.key(),
                    CODEC.writeEnvelope(e))).get();
        }

        Result result = audit("--format", "json");

        assertThat(result.exit).as(result.err).isZero();
        assertThat(result.err).contains("2 row(s)", "1 match, 0 mismatch, 1 pending");
        assertThat(result.out.lines().toList().get(1)).contains("\"published\":1", "\"summarised\":0",
                "\"status\":\"pending\"");
    }

    @Test
    void shouldExplainAndExitThreeWhenNothingWasAccounted() throws Exception {
        Result result = audit();

        assertThat(result.exit).isEqualTo(AuditMain.UNREADABLE);
        assertThat(result.err).contains("nothing on telemetry.audit");
    }

    @Test
    void shouldNameTheProblemAndExitTwoWhenAnArgumentIsBad() {
        Result result = run("--from", "yesterday");
        assertThat(result.exit).isEqualTo(AuditMain.BAD_INPUT);
        assertThat(result.err).contains("--from: 'yesterday' is neither an ISO instant");

        Result unreachable = run("--bootstrap-server", "127.0.0.1:1", "--timeout", "2s");
        assertThat(unreachable.exit).isEqualTo(AuditMain.UNREADABLE);
        assertThat(unreachable.err).contains("did not answer within 2 s");
    }

    /** The processor's account of window 0 on each partition, then its progress; {@code extra} events counted twice. */
    private void writeAccount(long extra) throws Exception {
        String audit = topics.name(Topic.AUDIT);
        String metrics = topics.name(Topic.METRICS);
        Instant closedBefore = T0.plus(Duration.ofMinutes(2));
        try (KafkaProducer<String, byte[]> producer = producer()) {
            long added = extra;
            for (Map.Entry<Integer, long[]> e : window0.entrySet()) {
                AuditRecord counts = AuditRecord.counts("shop", metrics, e.getKey(), T0, T0.plus(Duration.ofMinutes(1)),
                        e.getValue()[0] + added, 0, e.getValue()[1], 0, 0);
                added = 0;
                producer.send(new ProducerRecord<>(audit, counts.key(), CODEC.write(counts))).get();
            }
            for (int partition = 0; partition < 2; partition++) {
                AuditRecord progress = AuditRecord.progress(metrics, partition, ends.getOrDefault(partition, 0L),
                        closedBefore);
                producer.send(new ProducerRecord<>(audit, progress.key(), CODEC.write(progress))).get();
            }
        }
    }

    private Result audit(String... extra) {
        String[] args = new String[6 + extra.length];
        args[0] = "--bootstrap-server";
        args[1] = kafka.bootstrapServers();
        args[2] = "--config";
        args[3] = config.toString();
        args[4] = "--from";
        args[5] = T0.toString();
        System.arraycopy(extra, 0, args, 6, extra.length);
        return run(args);
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = AuditMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), NOW);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int exit, String out, String err) {
    }

    private KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }

    private static Envelope envelope(String app, String metric, Instant at) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, at, at, "203.0.113.9",
                "test-agent", new MetricEvent(metric, 1, at.toEpochMilli(), Map.of()));
    }
}
