package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alert storm across the processor and the sink, each with its shipped alerting defaults, over a real broker and a
 * real webhook (issue 14): 2 000 IPs cross the rate limit within one minute. The processor rolls their findings up
 * into one alert per rule, app and window, and the sink groups like Alertmanager (30 s group wait), so the receiver
 * hears of the incident once in that minute, with its size and its top offenders.
 */
@ExtendWith(LocalKafkaExtension.class)
class AlertStormEndToEndTest {

    private static final int IPS = 2_000;

    private WebhookRecorder receiver;
    private StreamProcessor processor;
    private AlertSink sink;

    @AfterEach
    void stopAll() {
        if (processor != null) processor.close();
        if (sink != null) sink.close();
        if (receiver != null) receiver.close();
    }

    @Test
    void shouldNotifyOnceNamingCountAndTopOffendersWhenTwoThousandIpsCrossTheRateLimitInOneMinute(LocalKafka kafka,
                                                                                                 @TempDir Path dir)
            throws Exception {
        // Given: every topic unique to this test, a processor and a sink on their shipped alerting defaults
        // (the rate limit lowered to 2 requests a minute, so that 3 requests per IP cross it), and a webhook.
        String topics = "topics: {" + java.util.Arrays.stream(Topic.values())
                .map(t -> t.configKey() + ": " + kafka.uniqueTopicName(t.configKey()))
                .collect(Collectors.joining(", ")) + "}";
        receiver = WebhookRecorder.start();
        String bootstrap = kafka.bootstrapServers();
        Path processorYaml = Files.writeString(dir.resolve("processor.yaml"), """
                kafka: {bootstrap-servers: "%s"}
                application-id: storm-%s
                state-dir: "%s"
                http: {host: 127.0.0.1, port: 0}
                rate-limit: {per-minute: 2}
                rules: []
                %s
                """.formatted(bootstrap, UUID.randomUUID(), dir.resolve("state"), topics));
        Path sinkYaml = Files.writeString(dir.resolve("sink.yaml"), """
                kafka: {bootstrap-servers: "%s"}
                group-id: storm-sink-%s
                http: {host: 127.0.0.1, port: 0}
                receivers:
                  - {name: team, type: webhook, url: "%s", timeout: 5s}
                default-receivers: [team]
                %s
                """.formatted(bootstrap, UUID.randomUUID(), receiver.url(), topics));
        ProcessorConfig processorConfig = ProcessorConfig.load(new String[] {"--config", processorYaml.toString()});
        TopicCatalogue catalogue = processorConfig.topicCatalogue();
        kafka.createCatalogueTopics(catalogue);
        sink = AlertSink.start(SinkConfig.load(new String[] {"--config", sinkYaml.toString()}));
        processor = StreamProcessor.start(processorConfig);

        // When: 2 000 IPs send 3 requests each to one endpoint within the same minute
        Instant at = Instant.now();
        try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.LINGER_MS_CONFIG, 20),
                new StringSerializer(), JsonSerde.envelope().serializer())) {
            for (int i = 0; i < IPS; i++) {
                String ip = "10.%d.%d.%d".formatted(i / 65_536, i / 256 % 256, i % 256);
                for (int n = 0; n < 3; n++) {
                    Envelope request = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "shop",
                            at, at, ip, "bot", new RequestEvent(ip, "POST", "/api/login", 401, 12.0, "bot", null, null,
                            at.toEpochMilli()));
                    producer.send(new ProducerRecord<>(catalogue.name(Topic.REQUESTS), request.key(), request));
                }
            }
            producer.flush();
        }

        // Then: the receiver hears of it (after the sink's 30 s group wait) ...
        await().atMost(Duration.ofMinutes(4)).until(() -> !stormNotifications().isEmpty());
        Instant first = Instant.now();
        // ... and, for the rest of that minute, at most three times in all
        await().during(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40))
                .until(() -> stormNotifications().size() <= 3);
        List<JsonNode> notifications = stormNotifications();
        assertThat(notifications).hasSizeBetween(1, 3);
        // The path's own delays, not a speed: the storm's rate-limit minute closes at its end + grace (up to 70 s
        // after the storm, by where in the minute it fell), the processor started just before must first get its
        // tasks (tens of seconds on a loaded box), then the sink's 30 s group wait. A CI run saw 120 s against the
        // 90 s once asserted here; 3 minutes still fails a page that waits for a later window.
        assertThat(Duration.between(at, first)).as("the first one comes within the storm's windows and the group wait")
                .isLessThan(Duration.ofMinutes(3));
        // Printed for docs and closing notes, not asserted beyond the bounds below.
        System.out.println("STORM notifications in the minute: " + notifications.size() + "; first after "
                + Duration.between(at, first).toSeconds() + " s; " + notifications.stream()
                .map(n -> n.path("alerts").get(0).path("annotations"))
                .map(a -> "count " + a.path("count").asText() + ", distinct IPs " + a.path("distinct_ips").asText()
                        + ", top " + a.path("top_offenders").asText().split(", ")[0])
                .collect(Collectors.joining(" | ")));
        for (JsonNode notification : notifications) {
            // One rolled-up alert, not 2 000: it names the incident's size and its worst offenders.
            assertThat(notification.path("alerts")).hasSize(1);
            JsonNode annotations = notification.path("alerts").get(0).path("annotations");
            assertThat(Long.parseLong(annotations.path("count").asText())).isPositive();
            assertThat(annotations.path("distinct_ips").asText()).isNotEmpty();
            assertThat(annotations.path("top_offenders").asText()).matches("10\\.\\d+\\.\\d+\\.\\d+ \\(\\d+\\).*");
        }
    }

    /** The webhook notifications about the rate-limit rollup. */
    private List<JsonNode> stormNotifications() {
        return receiver.received().stream()
                .filter(body -> body.path("alerts").findValuesAsText("alertname").contains("rate_limit_exceeded"))
                .toList();
    }
}
