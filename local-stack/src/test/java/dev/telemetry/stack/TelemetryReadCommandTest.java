package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ./telemetry read <topic>} typed as the README and the banner print it: it prints what is there, keeps
 * following a quiet topic (it once died there with {@code ArithmeticException: long overflow}), prints each new
 * record once, and exits 0 when stopped with Ctrl-C (SIGINT) or SIGTERM.
 */
@ExtendWith(LocalKafkaExtension.class)
class TelemetryReadCommandTest {

    @ParameterizedTest(name = "stopped with SIG{0}")
    @ValueSource(strings = {"INT", "TERM"})
    void shouldFollowQuietTopicAndExitZeroWhenStopped(String signal, LocalKafka kafka, @TempDir Path dir) throws Exception {
        // A process started in the background of a shell without job control ignores SIGINT, and so do its children:
        // Ctrl-C cannot be reproduced under such a runner (the JVM installs no handler for an ignored signal).
        assumeFalse(signal.equals("INT") && ignoresSigint(), "this test runner ignores SIGINT (started in the"
                + " background of a non-interactive shell); Ctrl-C cannot reach ./telemetry read here");
        String topic = kafka.uniqueTopicName("read");
        kafka.createTopic(topic, 2);
        send(kafka, topic, "{\"n\":1}", "{\"n\":2}");
        Path out = dir.resolve("out.txt");
        ProcessBuilder builder = new ProcessBuilder("bash", Path.of("..", "telemetry").toString(), "read", topic)
                .redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        Process read = builder.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readAllLines(out).size() == 2);

            // When: the topic stays quiet for longer than a poll, then gets one more record
            long quietSince = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(100))
                    .until(() -> System.nanoTime() - quietSince >= TimeUnit.SECONDS.toNanos(3));
            assertThat(read.isAlive()).as("still following, see " + dir.resolve("err.txt") + ": "
                    + Files.readString(dir.resolve("err.txt"))).isTrue();
            send(kafka, topic, "{\"n\":3}");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readAllLines(out).size() == 3);

            new ProcessBuilder("kill", "-" + signal, Long.toString(read.pid())).start().waitFor();

            assertThat(read.waitFor(30, TimeUnit.SECONDS)).as("exited after SIG" + signal).isTrue();
            assertThat(read.exitValue()).isZero();
            assertThat(Files.readAllLines(out)).containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        } finally {
            read.destroyForcibly();
        }
    }

    /** Whether this process ignores SIGINT ({@code SigIgn} in {@code /proc/self/status}, bit 2): its children would too. */
    private static boolean ignoresSigint() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                .map(line -> Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16))
                .anyMatch(mask -> (mask & (1L << 1)) != 0);
    }

    private static void send(LocalKafka kafka, String topic, String... values) {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (String value : List.of(values)) {
                producer.send(new ProducerRecord<>(topic, value));
            }
        }
    }
}
