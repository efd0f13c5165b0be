package dev.telemetry.alerts.forward;

import dev.telemetry.alerts.notify.log.LogConfig;
import dev.telemetry.alerts.notify.sentry.SentryConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import dev.telemetry.alerts.testing.TestSinks;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.FeedbackEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Errors and feedback from the raw topics reach Sentry with the seed's conventions, retried until Sentry accepts them. */
@ExtendWith(LocalKafkaExtension.class)
class SentryForwarderIntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> envelope(RecordingReceiver.Request request) throws Exception {
        byte[] body = request.body();
        if ("gzip".equalsIgnoreCase(request.header("Content-Encoding"))) {
            body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
        }
        List<JsonNode> lines = new ArrayList<>();
        for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    @Test
    @SuppressWarnings("try")
    void shouldForwardErrorsWithErrorContextAndBoundaryTagAndFeedbackWhenTheyArriveOnTheRawTopics(LocalKafka kafka) throws Exception {
        String alerts = kafka.uniqueTopicName("alerts");
        String errors = kafka.uniqueTopicName("errors");
        String feedback = kafka.uniqueTopicName("feedback");
        for (String topic : List.of(alerts, errors, feedback)) {
            kafka.createTopic(topic, 1);
        }
        try (RecordingReceiver sentry = new RecordingReceiver(Reply.status(503))) {
            String dsn = sentry.url("/7").replace("http://", "http://publicKey@");
            SinkConfig config = TestSinks.config(kafka, alerts).withTopic("errors", errors).withTopic("feedback", feedback)
                    .withReceivers(List.of(new LogConfig("console"),
                            new SentryConfig("sentry", dsn, "test", Duration.ofSeconds(5), true, true)), Map.of(), List.of("console"));
            Instant now = Instant.parse("2026-11-27T10:00:00Z");
            ErrorEvent error = new ErrorEvent("Cannot read properties of undefined", "TypeError", "TypeError: x\n at a.js:1",
                    JSON.readTree("{\"component\":\"Checkout\",\"step\":2}"), Map.of("release", "1.2.3"), "error", "https://shop/checkout", null);
            FeedbackEvent userFeedback = new FeedbackEvent("Ann", "ann@example.com", "The checkout button does nothing", null);
            try (AlertSink sink = AlertSink.start(config);
                 KafkaProducer<String, Envelope> producer = new KafkaProducer<>(Map.of(
                         ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                         JsonSerde.envelope().serializer())) {
                Envelope errorEnvelope = new Envelope(Envelope.SCHEMA_VERSION, "evt-1", null, "shop", now, now, null, null, error);
                producer.send(new ProducerRecord<>(errors, errorEnvelope.key(), errorEnvelope)).get();
                // The first answer is 503: the error is sent again, under the same event id.
                await().atMost(Duration.ofSeconds(60)).until(() -> sentry.requests().size() >= 2);
                Envelope feedbackEnvelope = new Envelope(Envelope.SCHEMA_VERSION, "evt-2", null, "shop", now, now, null, null, userFeedback);
                producer.send(new ProducerRecord<>(feedback, feedbackEnvelope.key(), feedbackEnvelope)).get();

                await().atMost(Duration.ofSeconds(60)).until(() -> sentry.requests().size() >= 3);
            }
            List<List<JsonNode>> envelopes = new ArrayList<>();
            for (RecordingReceiver.Request request : sentry.requests()) {
                envelopes.add(envelope(request));
            }
            List<JsonNode> events = envelopes.stream().filter(e -> e.get(1).get("type").asText().equals("event")).map(e -> e.get(2)).toList();
            assertThat(events).hasSizeGreaterThanOrEqualTo(2);
            assertThat(events).extracting(e -> e.get("event_id").asText()).containsOnly(events.get(0).get("event_id").asText());
            JsonNode event = events.get(events.size() - 1);
            assertThat(event.get("tags").get("error_boundary").asText()).isEqualTo("true");
            assertThat(event.get("tags").get("release").asText()).isEqualTo("1.2.3");
            assertThat(event.get("contexts").get("error_context").get("component").asText()).isEqualTo("Checkout");
            assertThat(event.get("exception").get("values").get(0).get("type").asText()).isEqualTo("TypeError");
            assertThat(event.get("exception").get("values").get(0).get("value").asText()).isEqualTo("Cannot read properties of undefined");
            assertThat(event.get("level").asText()).isEqualTo("error");
            JsonNode feedbackItem = envelopes.stream().filter(e -> e.get(1).get("type").asText().equals("feedback")).findFirst()
                    .orElseThrow().get(2);
            assertThat(feedbackItem.get("contexts").get("feedback").get("message").asText()).isEqualTo("The checkout button does nothing");
            assertThat(feedbackItem.get("contexts").get("feedback").get("contact_email").asText()).isEqualTo("ann@example.com");
            assertThat(feedbackItem.get("contexts").get("feedback").get("name").asText()).isEqualTo("Ann");
        }
    }
}
