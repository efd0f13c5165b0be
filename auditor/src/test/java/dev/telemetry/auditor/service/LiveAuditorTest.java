package dev.telemetry.auditor.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.AuditRecord;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The auditor service on a real broker: a window whose account does not add up raises one {@code audit_mismatch}
 * alert (critical) on {@code telemetry.alerts}, with both sides; the next window of that app and topic that matches
 * resolves it; {@code /metrics} records both.
 */
@ExtendWith(LocalKafkaExtension.class)
class LiveAuditorTest {

    private static final Instant T0 = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
    private static final JsonCodec CODEC = JsonCodec.standard();

    private AuditorService service;

    @AfterEach
    void stop() {
        if (service != null) {
            service.close();
        }
    }

    @Test
    void shouldFireOneCriticalAlertOnAMismatchAndResolveItWhenTheNextWindowMatches(LocalKafka kafka) throws Exception {
        Map<String, String> names = new HashMap<>();
        for (Topic topic : Topic.values()) {
            names.put(topic.configKey(), kafka.uniqueTopicName("live-audit-" + topic.configKey()));
        }
        TopicCatalogue topics = TopicCatalogue.withOverrides(names);
        kafka.createCatalogueTopics(topics, 2);
        AuditorConfig defaults = AuditorConfig.load(null, Map.of());
        service = AuditorService.start(new AuditorConfig(new AuditorConfig.Kafka(kafka.bootstrapServers()), names,
                new AuditorConfig.Http("127.0.0.1", 0), defaults.lookback(), Duration.ofMillis(200),
                List.of("#pipeline")));

        try (KafkaProducer<String, byte[]> producer = producer(kafka); KafkaConsumer<String, String> alerts =
                alertsConsumer(kafka, topics.name(Topic.ALERTS))) {
            // Given: window T0 holds 10 events, and the processor's account says 11 were summarised (a bug)
            Map<Integer, Long> ends = new HashMap<>();
            Map<Integer, Long> counts = raw(producer, topics, T0, 10, ends);
            account(producer, topics, T0, counts, 1, ends, T0.plus(Duration.ofMinutes(2)));

            // Then: one critical alert, naming both sides
            List<AlertEvent> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> poll(alerts, received).size() >= 1);
            AlertEvent firing = received.get(0);
            assertThat(firing.status()).isEqualTo(AlertStatus.FIRING);
            assertThat(firing.rule()).isEqualTo("audit_mismatch");
            assertThat(firing.severity()).isEqualTo("critical");
            assertThat(firing.labels()).containsEntry("app", "shop")
                    .containsEntry("topic", topics.name(Topic.METRICS));
            assertThat(firing.channels()).containsExactly("#pipeline");
            assertThat(firing.annotations().get("summary")).contains("1 record(s)", "accounted for twice");
            assertThat(firing.annotations().get("description")).contains("published 10", "summarised 11");

            // When: the next window adds up
            Map<Integer, Long> next = raw(producer, topics, T0.plus(Duration.ofMinutes(2)), 6, ends);
            account(producer, topics, T0.plus(Duration.ofMinutes(2)), next, 0, ends, T0.plus(Duration.ofMinutes(4)));

            // Then: the alert resolves, once
            await().atMost(Duration.ofSeconds(60)).until(() -> poll(alerts, received).size() >= 2);
            assertThat(received.get(1).status()).isEqualTo(AlertStatus.RESOLVED);
            assertThat(received.get(1).fingerprint()).isEqualTo(firing.fingerprint());
            assertThat(received).hasSize(2);
        }
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.httpPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).contains("auditor_windows_total{service=\"auditor\",status=\"mismatch\"} 1.0")
                .contains("auditor_windows_total{service=\"auditor\",status=\"match\"} 1.0");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + service.httpPort() + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    }

    /** {@code n} metric events in the window starting at {@code window}; returns events per partition. */
    private static Map<Integer, Long> raw(KafkaProducer<String, byte[]> producer, TopicCatalogue topics, Instant window,
                                         int n, Map<Integer, Long> ends) throws Exception {
        Map<Integer, Long> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Instant at = window.plusSeconds(i);
            Envelope e = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop", at, at,
                    "203.0.113.9", "test", new MetricEvent("m" + (i % 3), 1, at.toEpochMilli(), Map.of()));
            RecordMetadata m = producer.send(new ProducerRecord<>(topics.name(Topic.METRICS), null, at.toEpochMilli(),
                    e.key(), CODEC.writeEnvelope(e))).get();
            counts.merge(m.partition(), 1L, Long::sum);
            ends.merge(m.partition(), m.offset() + 1, Math::max);
        }
        return counts;
    }

    /** The processor's account of the window: counts per partition ({@code extra} too many on one), then progress. */
    private static void account(KafkaProducer<String, byte[]> producer, TopicCatalogue topics, Instant window,
                                Map<Integer, Long> counts, long extra, Map<Integer, Long> ends, Instant closedBefore)
            throws Exception {
        String metrics = topics.name(Topic.METRICS);
        long added = extra;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            AuditRecord record = AuditRecord.counts("shop", metrics, e.getKey(), window,
                    window.plus(Duration.ofMinutes(1)), e.getValue() + added, 0, 0, 0, 0);
            added = 0;
            producer.send(new ProducerRecord<>(topics.name(Topic.AUDIT), record.key(), CODEC.write(record))).get();
        }
        for (int p = 0; p < 2; p++) {
            AuditRecord progress = AuditRecord.progress(metrics, p, ends.getOrDefault(p, 0L), closedBefore);
            producer.send(new ProducerRecord<>(topics.name(Topic.AUDIT), progress.key(), CODEC.write(progress))).get();
        }
    }

    private static List<AlertEvent> poll(KafkaConsumer<String, String> consumer, List<AlertEvent> into) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> into.add(JsonSerde.alert().deserializer()
                .deserialize(r.topic(), r.value().getBytes(StandardCharsets.UTF_8))));
        return into;
    }

    /** Every partition of the alerts topic from its start, without a group (no coordinator to wait for). */
    private static KafkaConsumer<String, String> alertsConsumer(LocalKafka kafka, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer());
        consumer.assign(consumer.partitionsFor(topic).stream()
                .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition())).toList());
        consumer.seekToBeginning(consumer.assignment());
        return consumer;
    }

    private static KafkaProducer<String, byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
    }
}
