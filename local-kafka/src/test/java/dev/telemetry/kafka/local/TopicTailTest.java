package dev.telemetry.kafka.local;

import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(LocalKafkaExtension.class)
class TopicTailTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void shouldPrintEachValueOnItsOwnLineWhenReadingFromBeginning(LocalKafka kafka) {
        String topic = kafka.uniqueTopicName("tail");
        kafka.createTopic(topic, 3);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "a", "{\"n\":1}"));
            producer.send(new ProducerRecord<>(topic, 2, "b", "grüße"));
        }

        int exitCode = tail("--bootstrap-server", kafka.bootstrapServers(), "--topic", topic,
                "--max-messages", "2", "--timeout-ms", "60000");

        assertThat(exitCode).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines()).containsExactlyInAnyOrder("{\"n\":1}", "grüße");
    }

    @Test
    void shouldStopWhenIdleForTimeout(LocalKafka kafka) {
        String topic = kafka.uniqueTopicName("idle");
        kafka.createTopic(topic, 1);

        int exitCode = tail("--bootstrap-server", kafka.bootstrapServers(), "--topic", topic, "--timeout-ms", "500");

        assertThat(exitCode).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void shouldFailWithoutCreatingTopicWhenTopicIsMissing(LocalKafka kafka) {
        String topic = kafka.uniqueTopicName("missing");

        int exitCode = tail("--bootstrap-server", kafka.bootstrapServers(), "--topic", topic, "--timeout-ms", "500");

        assertThat(exitCode).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("'" + topic + "' does not exist");
    }

    @Test
    void shouldExplainUsageWhenTopicIsNotGiven() {
        int exitCode = tail("--bootstrap-server", "127.0.0.1:1");

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--topic is required", "usage:");
    }

    private int tail(String... args) {
        return TopicTail.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
