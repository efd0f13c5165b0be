package dev.telemetry.gateway.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.kafka.local.junit.LocalKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;

/** What the gateway's integration tests share: unique raw topics, a config file, HTTP calls and reading topics back. */
public final class GatewayFixture {

    public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    public static final JsonCodec CODEC = JsonCodec.standard();

    private GatewayFixture() {
    }

    /** Creates a fresh topic for every raw topic; returns the {@code topics:} overrides naming them. */
    public static Map<String, String> uniqueRawTopics(LocalKafka kafka) {
        Map<String, String> overrides = new LinkedHashMap<>();
        for (Topic topic : Topic.values()) {
            if (topic.kind() == Topic.Kind.RAW) {
                String name = kafka.uniqueTopicName(topic.configKey());
                kafka.createTopic(name, 1);
                overrides.put(topic.configKey(), name);
            }
        }
        return overrides;
    }

    /** Writes {@code yaml} (plus the topic overrides) as an operator's config file and loads it over the shipped defaults. */
    public static GatewayConfig config(Path dir, Map<String, String> topics, String yaml) throws Exception {
        String topicsYaml = topics.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", ", "topics: {", "}\n"));
        Path file = Files.writeString(dir.resolve("gateway-" + UUID.randomUUID() + ".yaml"), topicsYaml + yaml);
        return GatewayConfig.load(new String[] {"--config", file.toString()}, Map.of());
    }

    public static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public static HttpRequest.Builder post(int port, String path, String contentType, byte[] body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    public static JsonNode json(HttpResponse<String> response) throws Exception {
        return CODEC.readTree(response.body().getBytes(StandardCharsets.UTF_8));
    }

    public static List<String> eventIds(HttpResponse<String> response) throws Exception {
        List<String> ids = new ArrayList<>();
        json(response).get("eventIds").forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /**
     * Reads {@code topics} from the start until {@code done} holds for everything read so far, and
     * returns it; fails after {@code timeout}, saying how many records it read. Records that are not envelopes fail
     * the test.
     */
    public static List<Envelope> readUntil(String bootstrap, Collection<String> topics, Predicate<List<Envelope>> done,
                                           Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<Envelope> read = new ArrayList<>();
        try (KafkaConsumer<String, Envelope> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                JsonSerde.envelope().deserializer())) {
            consumer.subscribe(List.copyOf(topics));
            // In this thread: a consumer is not to be shared between threads.
            await().atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        for (ConsumerRecord<String, Envelope> record : consumer.poll(Duration.ofMillis(500))) {
                            read.add(record.value());
                        }
                        return done.test(read);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("topics " + topics + " did not reach the expected content within " + timeout
                    + "; read " + read.size() + " records", e);
        }
        return read;
    }
}
