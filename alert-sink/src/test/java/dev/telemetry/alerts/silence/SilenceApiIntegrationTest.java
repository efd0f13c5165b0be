package dev.telemetry.alerts.silence;

import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.TestSinks;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The silences API on the sink's http port, against a real broker: stored in the compacted topic, obeyed, seen after a restart. */
@ExtendWith(LocalKafkaExtension.class)
class SilenceApiIntegrationTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOKEN = "s3cret-admin-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static HttpResponse<String> call(AlertSink sink, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static AlertEvent alert(String fingerprint, String app) {
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint, AlertStatus.FIRING, "HighErrorRate", "error_rate", "mean",
                Map.of("alertname", "HighErrorRate", "app", app, "severity", "high"), 0.07, 0.05, "gt", "high",
                List.of("#alerts"), Map.of(), Alerts.STARTS_AT, null, Alerts.STARTS_AT);
    }

    @Test
    void shouldStoreListObeyAndExpireSilencesAcrossRestartsWhenCalledWithTheAdminToken(LocalKafka kafka) throws Exception {
        String topic = kafka.uniqueTopicName("alerts");
        kafka.createTopic(topic, 1);
        try (RecordingReceiver receiver = new RecordingReceiver()) {
            SinkConfig config = TestSinks.config(kafka, topic).withAdminToken(TOKEN)
                    .withReceivers(List.of(new WebhookConfig("team", receiver.url("/hook"))),
                            Map.of("#alerts", List.of("team")), List.of("team"));
            String id;
            try (AlertSink sink = AlertSink.start(config)) {
                String body = """
                        {"matchers":[{"name":"app","value":"shop","isRegex":false,"isEqual":true}],
                         "startsAt":"%s","endsAt":"%s","createdBy":"alice","comment":"shop deploy"}"""
                        .formatted(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600));

                assertThat(call(sink, "POST", "/api/silences", null, body).statusCode()).isEqualTo(401);
                assertThat(call(sink, "POST", "/api/silences", "wrong", body).statusCode()).isEqualTo(401);
                HttpResponse<String> bad = call(sink, "POST", "/api/silences", TOKEN, "{\"matchers\":[]}");
                assertThat(bad.statusCode()).isEqualTo(400);
                assertThat(bad.body()).contains("matchers");
                HttpResponse<String> created = call(sink, "POST", "/api/silences", TOKEN, body);
                assertThat(created.statusCode()).isEqualTo(200);
                id = JSON.readTree(created.body()).get("silenceID").asText();

                try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                        JsonSerde.alert().serializer())) {
                    producer.send(new ProducerRecord<>(topic, "fp-shop", alert("fp-shop", "shop"))).get();
                    producer.send(new ProducerRecord<>(topic, "fp-cart", alert("fp-cart", "cart"))).get();
                }
                await().atMost(PATIENCE).until(() -> receiver.requests().size() == 1);
                assertThat(receiver.requests().get(0).json().get("alerts").get(0).get("fingerprint").asText()).isEqualTo("fp-cart");

                JsonNode listed = JSON.readTree(call(sink, "GET", "/api/silences", TOKEN, null).body());
                assertThat(listed).hasSize(1);
                assertThat(listed.get(0).get("status").get("state").asText()).isEqualTo("active");
                assertThat(listed.get(0).get("createdBy").asText()).isEqualTo("alice");
                assertThat(listed.get(0).get("matchers").get(0).get("isEqual").asBoolean()).isTrue();

                HttpResponse<String> expired = call(sink, "DELETE", "/api/silences/" + id, TOKEN, null);
                assertThat(expired.statusCode()).isEqualTo(200);
                assertThat(call(sink, "DELETE", "/api/silences/no-such-id", TOKEN, null).statusCode()).isEqualTo(404);
            }
            try (AlertSink restarted = AlertSink.start(config)) {
                await().atMost(PATIENCE).until(() -> {
                    HttpResponse<String> list = call(restarted, "GET", "/api/silences", TOKEN, null);
                    return list.statusCode() == 200 && JSON.readTree(list.body()).size() == 1;
                });
                JsonNode listed = JSON.readTree(call(restarted, "GET", "/api/silences/" + id, TOKEN, null).body());
                assertThat(listed.get("status").get("state").asText()).isEqualTo("expired");
            }
        }
    }
}
