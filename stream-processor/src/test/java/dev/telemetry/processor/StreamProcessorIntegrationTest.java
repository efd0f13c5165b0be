package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.processor.config.ProcessorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The stream processor on a real broker, exactly once, with windows closed by the wall clock. */
@ExtendWith(LocalKafkaExtension.class)
class StreamProcessorIntegrationTest {

    private static final Duration WINDOW = Duration.ofSeconds(2);

    @Test
    void shouldEmitLoneEventsSummaryAndAlertWhenWindowPlusGracePassesWithoutFurtherEvents(LocalKafka kafka,
                                                                                         @TempDir Path dir)
            throws Exception {
        Map<String, String> topics = ProcessorFixture.createTopics(kafka, "processor-it", 1);
        TopicCatalogue catalogue = TopicCatalogue.withOverrides(topics);
        ProcessorConfig config = config(dir, kafka.bootstrapServers(), topics);

        try (StreamProcessor processor = StreamProcessor.start(config)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> processor.state() == KafkaStreams.State.RUNNING);

            // When: one event, and nothing after it
            Instant eventTime = Instant.now();
            Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop",
                    eventTime, eventTime, "203.0.113.9", "it", new MetricEvent("checkout_ms", 250, eventTime.toEpochMilli(),
                    Map.of("region", "eu")));
            try (KafkaProducer<String, Envelope> producer = producer(kafka.bootstrapServers())) {
                producer.send(new ProducerRecord<>(catalogue.name(Topic.METRICS), envelope.key(), envelope)).get();
            }

            // Then: the wall clock closes its window
            Instant windowStart = Instant.ofEpochMilli(eventTime.toEpochMilli() - eventTime.toEpochMilli() % WINDOW.toMillis());
            List<Summary> summaries = readAtLeastOne(kafka, catalogue.name(Topic.SUMMARIES), JsonSerde.summary().deserializer());
            assertThat(summaries).containsExactly(new Summary(1, "shop", "checkout_ms", "checkout_ms{region=eu}",
                    Map.of("region", "eu"), windowStart, windowStart.plus(WINDOW), 1, 250.0, 250.0, 250.0, 250.0,
                    250.0, 250.0, 250.0, 250.0, 250.0, null));
            List<AlertEvent> alerts = readAtLeastOne(kafka, catalogue.name(Topic.ALERTS), JsonSerde.alert().deserializer());
            assertThat(alerts).extracting(AlertEvent::status, AlertEvent::rule, AlertEvent::value)
                    .containsExactly(tuple(AlertStatus.FIRING, "checkout_slow", 250.0));

            assertThat(get(processor.httpPort(), "/summaries/recent").body())
                    .contains("\"series\":\"checkout_ms{region=eu}\"").contains("\"p95\":250.0");
            assertThat(get(processor.httpPort(), "/alerts/active").body())
                    .contains(alerts.get(0).fingerprint()).contains("\"status\":\"firing\"");

            HttpResponse<String> health = get(processor.httpPort(), "/health");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"kafka_streams_running\":true");
            assertThat(get(processor.httpPort(), "/metrics").body())
                    .contains("processor_summaries_total{service=\"stream-processor\"} 1.0")
                    .contains("kafka_stream");
        }
    }

    private static ProcessorConfig config(Path dir, String bootstrapServers, Map<String, String> topics) throws Exception {
        StringBuilder topicYaml = new StringBuilder();
        topics.forEach((key, name) -> topicYaml.append("  ").append(key).append(": ").append(name).append('\n'));
        String yaml = """
                kafka: {bootstrap-servers: "%s"}
                application-id: processor-it-%s
                state-dir: "%s"
                windows: {size: 2s, grace: 1s, close-check-interval: 200ms}
                http: {host: 127.0.0.1, port: 0}
                commit-interval: 100ms
                topics:
                %s
                rules:
                  - {name: checkout_slow, metric: checkout_ms, operator: gt, threshold: 100, severity: high, channels: ["#alerts"]}
                """.formatted(bootstrapServers, UUID.randomUUID(), dir.resolve("state"), topicYaml);
        Path file = Files.writeString(dir.resolve("processor.yaml"), yaml);
        return ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
    }

    private static KafkaProducer<String, Envelope> producer(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), JsonSerde.envelope().serializer());
    }

    /** Reads a topic from the start, committed records only (the processor writes in transactions), until it has data. */
    private static <T> List<T> readAtLeastOne(LocalKafka kafka, String topic, Deserializer<T> values) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> read = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(props, new StringDeserializer(), values)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, T> record : consumer.poll(Duration.ofMillis(200))) {
                    read.add(record.value());
                }
                return !read.isEmpty();
            });
            // Anything else already committed would show up now: the window must have been emitted once.
            consumer.poll(Duration.ofMillis(500)).forEach(record -> read.add(record.value()));
        }
        return read;
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
