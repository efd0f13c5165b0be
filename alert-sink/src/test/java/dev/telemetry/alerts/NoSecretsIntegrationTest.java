package dev.telemetry.alerts;

import dev.telemetry.alerts.notify.email.EmailConfig;
import dev.telemetry.alerts.notify.pagerduty.PagerDutyConfig;
import dev.telemetry.alerts.notify.sentry.SentryConfig;
import dev.telemetry.alerts.notify.slack.SlackConfig;
import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.alerts.testing.RecordingReceiver;
import dev.telemetry.alerts.testing.RecordingReceiver.Reply;
import dev.telemetry.alerts.testing.TestSinks;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Every receiver kind configured with secrets and failing in every way (refusals, server errors,
 * no listener, maximum age): no secret appears in any log line or stack trace, in the attempts or
 * dead letters on Kafka, or on {@code /health} and {@code /metrics}.
 */
@ExtendWith(LocalKafkaExtension.class)
class NoSecretsIntegrationTest {

    private static final List<String> SECRETS = List.of("XXXXwebhookSecretXXXX", "tok3nQuerySecret", "Bearer-h3aderSecret",
            "XXXXslackSecretXXXX", "R0utingKeySecret", "smtpPa55Secret", "sentryKeySecret", "adminT0kenSecret");

    @Test
    @SuppressWarnings("try")
    void shouldKeepEverySecretOutOfLogsErrorsTopicsAndEndpointsWhenReceiversFail(LocalKafka kafka) throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger root = ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        String topic = kafka.uniqueTopicName("alerts");
        kafka.createTopic(topic, 1);
        int closedPort;
        try (RecordingReceiver closed = new RecordingReceiver()) {
            closedPort = closed.port();
        }
        Reply[] errors = new Reply[200];
        java.util.Arrays.fill(errors, Reply.status(500, "echo /services/XXXXwebhookSecretXXXX?token=tok3nQuerySecret"));
        try (RecordingReceiver failing = new RecordingReceiver(errors);
             RecordingReceiver slackDown = new RecordingReceiver(Reply.status(404, "no_service XXXXslackSecretXXXX"));
             RecordingReceiver pagerRefuses = new RecordingReceiver(Reply.status(400, "{\"message\":\"invalid key R0utingKeySecret\"}"))) {
            SinkConfig config = TestSinks.config(kafka, topic).withMaxAge(Duration.ofSeconds(2)).withAdminToken("adminT0kenSecret")
                    .withReceivers(List.of(
                            new WebhookConfig("hook", failing.url("/services/XXXXwebhookSecretXXXX?token=tok3nQuerySecret"),
                                    Duration.ofSeconds(2), Map.of("Authorization", "Bearer-h3aderSecret")),
                            new SlackConfig("slack", slackDown.url("/services/T0/B0/XXXXslackSecretXXXX"), Duration.ofSeconds(2)),
                            new PagerDutyConfig("pager", "R0utingKeySecret", pagerRefuses.url("/v2/enqueue"), Duration.ofSeconds(2)),
                            new EmailConfig("mail", "127.0.0.1", closedPort, "sink", "smtpPa55Secret", "a@example.com",
                                    List.of("b@example.com"), false, Duration.ofSeconds(2)),
                            new SentryConfig("sentry", "http://sentryKeySecret@127.0.0.1:" + closedPort + "/1", "test",
                                    Duration.ofSeconds(2))),
                    Map.of(), List.of("hook", "slack", "pager", "mail", "sentry"));
            try (AlertSink sink = AlertSink.start(config)) {
                try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                        JsonSerde.alert().serializer())) {
                    producer.send(new ProducerRecord<>(topic, "fp-s", Alerts.firing("fp-s", List.of()))).get();
                }
                List<String> dlq = new ArrayList<>();
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    dlq.clear();
                    dlq.addAll(read(kafka, config.topicCatalogue().name(Topic.ALERTS_DLQ)));
                    return dlq.size() == 5;
                });
                List<String> exposed = new ArrayList<>(dlq);
                exposed.addAll(read(kafka, config.topicCatalogue().name(Topic.NOTIFICATIONS)));
                HttpClient http = HttpClient.newHttpClient();
                for (String path : List.of("/health", "/metrics")) {
                    exposed.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sink.httpPort() + path)).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                }
                for (ILoggingEvent event : logs.list) {
                    exposed.add(event.getFormattedMessage());
                    if (event.getThrowableProxy() != null) {
                        exposed.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
                    }
                }
                exposed.add(config.toString());

                assertThat(String.join("\n", dlq)).contains("gave up after").contains("\"receiver\":\"mail\"");
                for (String secret : SECRETS) {
                    assertThat(exposed).as(secret).noneMatch(text -> text != null && text.contains(secret));
                }
            }
        } finally {
            root.detachAppender(logs);
        }
    }

    /** Every value of {@code topic}'s partition 0, as text (other tests read the journal with it too). */
    static List<String> read(LocalKafka kafka, String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long end = consumer.endOffsets(List.of(p)).get(p);
            List<String> values = new ArrayList<>();
            while (consumer.position(p) < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }
}
