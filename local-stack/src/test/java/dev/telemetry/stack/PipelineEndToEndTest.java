package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.gateway.GatewayServer;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin slice across all three services over a real broker and real HTTP: metrics in through
 * the gateway, exact summaries out of the processor, an alert rule fires and resolves, and a real
 * local HTTP server receives both notifications from the sink.
 */
@ExtendWith(LocalKafkaExtension.class)
class PipelineEndToEndTest {

    private static final String KEY = "e2e-key";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private WebhookRecorder receiver;
    private GatewayServer gateway;
    private StreamProcessor processor;
    private AlertSink sink;

    @AfterEach
    void stopAll() {
        if (gateway != null) gateway.close();
        if (processor != null) processor.close();
        if (sink != null) sink.close();
        if (receiver != null) receiver.close();
    }

    @Test
    void shouldSummariseFireAndResolveWhenMetricsCrossARule(LocalKafka kafka, @TempDir Path dir) throws Exception {
        // Given: unique topics shared by the three services, and a webhook receiver on localhost.
        String topics = "topics: {metrics: %s, vitals: %s, actions: %s, errors: %s, summaries: %s, alerts: %s}".formatted(
                kafka.uniqueTopicName("metrics"), kafka.uniqueTopicName("vitals"), kafka.uniqueTopicName("actions"),
                kafka.uniqueTopicName("errors"), kafka.uniqueTopicName("summaries"), kafka.uniqueTopicName("alerts"));
        receiver = WebhookRecorder.start();

        String bootstrap = kafka.bootstrapServers();
        Path gatewayYaml = Files.writeString(dir.resolve("gateway.yaml"), """
                http: {host: 127.0.0.1, port: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: checkout}]
                %s
                """.formatted(bootstrap, KEY, topics));
        Path processorYaml = Files.writeString(dir.resolve("processor.yaml"), """
                kafka: {bootstrap-servers: "%s"}
                application-id: e2e-%s
                state-dir: "%s"
                http: {host: 127.0.0.1, port: 0}
                windows: {size: 2s, grace: 1s, close-check-interval: 200ms}
                commit-interval: 200ms
                %s
                rules:
                  - name: checkout_slow
                    metric: checkout_latency
                    stat: mean
                    operator: gt
                    threshold: 500
                    duration: 0
                    severity: high
                    channels: ["#alerts"]
                    annotations: {summary: Checkout is slow}
                """.formatted(bootstrap, UUID.randomUUID(), dir.resolve("state"), topics));
        Path sinkYaml = Files.writeString(dir.resolve("sink.yaml"), """
                kafka: {bootstrap-servers: "%s"}
                group-id: e2e-sink-%s
                http: {host: 127.0.0.1, port: 0}
                retry: {initial-backoff: 100ms, max-backoff: 1s}
                receivers:
                  - {name: console, type: log}
                  - {name: team, type: webhook, url: "http://127.0.0.1:%d/hook", timeout: 5s}
                routes: {"#alerts": [team]}
                # Every state change at once, as the demo does: the shipped 30 s / 5 m grouping would hold them.
                grouping: {group-by: ["..."], group-wait: 0s, group-interval: 0s, repeat-interval: 0s}
                delivery: {storm-limit: 0}
                %s
                """.formatted(bootstrap, UUID.randomUUID(), receiver.port(), topics));
        String[] gatewayArgs = {"--config", gatewayYaml.toString()};
        GatewayConfig gatewayConfig = GatewayConfig.load(gatewayArgs, Map.of());
        for (var entry : gatewayConfig.topicCatalogue().all().entrySet()) {
            kafka.createTopic(entry.getValue(), 1);
        }
        sink = AlertSink.start(SinkConfig.load(new String[] {"--config", sinkYaml.toString()}));
        processor = StreamProcessor.start(ProcessorConfig.load(new String[] {"--config", processorYaml.toString()}));
        gateway = GatewayServer.start(gatewayConfig);
        String summariesTopic = gatewayConfig.topicCatalogue().name(dev.telemetry.events.topic.Topic.SUMMARIES);

        // When: three slow checkouts arrive in one request (one window: no client timestamps).
        HttpResponse<String> slow = postMetrics("[{\"name\":\"checkout_latency\",\"value\":700},"
                + "{\"name\":\"checkout_latency\",\"value\":900},{\"name\":\"checkout_latency\",\"value\":800}]");

        // Then: acknowledged, summarised exactly, and the rule fires at the webhook.
        assertThat(slow.statusCode()).isEqualTo(202);
        try (KafkaConsumer<String, Summary> summaries = consumer(bootstrap, summariesTopic)) {
            Summary first = awaitSummary(summaries);
            assertThat(first.app()).isEqualTo("checkout");
            assertThat(first.metric()).isEqualTo("checkout_latency");
            assertThat(first.count()).isEqualTo(3);
            assertThat(first.min()).isEqualTo(700.0);
            assertThat(first.max()).isEqualTo(900.0);
            assertThat(first.mean()).isEqualTo(800.0);
            assertThat(first.sum()).isEqualTo(2400.0);

            JsonNode firing = awaitNotification("firing");
            JsonNode alert = firing.get("alerts").get(0);
            assertThat(alert.get("labels").get("alertname").asText()).isEqualTo("checkout_slow");
            assertThat(alert.get("labels").get("app").asText()).isEqualTo("checkout");
            assertThat(alert.get("annotations").get("summary").asText()).isEqualTo("Checkout is slow");

            // When: values drop below the threshold in a later window.
            assertThat(postMetrics("[{\"name\":\"checkout_latency\",\"value\":100},{\"name\":\"checkout_latency\",\"value\":200}]")
                    .statusCode()).isEqualTo(202);

            // Then: the next summary is exact and the resolution reaches the receiver, for the same alert.
            Summary second = awaitSummary(summaries);
            assertThat(second.count()).isEqualTo(2);
            assertThat(second.mean()).isEqualTo(150.0);
            JsonNode resolved = awaitNotification("resolved");
            assertThat(resolved.get("alerts").get(0).get("fingerprint").asText()).isEqualTo(alert.get("fingerprint").asText());
            assertThat(receiver.received()).hasSize(2);
        }
    }

    private HttpResponse<String> postMetrics(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/api/metrics"))
                .header("Content-Type", "application/json").header("X-Telemetry-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitNotification(String status) {
        return await().atMost(Duration.ofSeconds(90)).until(
                () -> receiver.received().stream().filter(n -> status.equals(n.path("status").asText())).findFirst().orElse(null),
                n -> n != null);
    }

    private static KafkaConsumer<String, Summary> consumer(String bootstrap, String topic) {
        KafkaConsumer<String, Summary> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new StringDeserializer(), JsonSerde.summary().deserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static Summary awaitSummary(KafkaConsumer<String, Summary> consumer) {
        AtomicReference<ConsumerRecords<String, Summary>> polled = new AtomicReference<>();
        // In this thread: a consumer is not to be shared between threads.
        await("a summary").atMost(Duration.ofSeconds(90)).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(() -> {
                    polled.set(consumer.poll(Duration.ofMillis(500)));
                    return !polled.get().isEmpty();
                });
        assertThat(polled.get().count()).as("one summary per window").isEqualTo(1);
        return polled.get().iterator().next().value();
    }
}
