package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each service as its own process, stopped with SIGTERM as an orchestrator stops it: it must log
 * its clean close (producer flushed, Streams closed, consumer committed) and exit.
 */
@ExtendWith(LocalKafkaExtension.class)
class ServiceShutdownTest {

    static Stream<Arguments> services() {
        String id = UUID.randomUUID().toString();
        return Stream.of(
                Arguments.of("dev.telemetry.gateway.GatewayMain", Map.of("GATEWAY_HTTP_PORT", "0"),
                        "ingest gateway listening", "ingest gateway stopped; producer flushed"),
                Arguments.of("dev.telemetry.processor.ProcessorMain",
                        Map.of("PROCESSOR_HTTP_PORT", "0", "PROCESSOR_APPLICATION_ID", "shutdown-" + id),
                        "operations endpoint on", "stream-processor: stopped cleanly"),
                Arguments.of("dev.telemetry.alerts.SinkMain", Map.of("SINK_HTTP_PORT", "0", "SINK_GROUP_ID", "shutdown-" + id),
                        "operations endpoint on", "alert-sink: stopped cleanly"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void shouldStopCleanlyWhenSentSigterm(String mainClass, Map<String, String> env, String started, String stopped,
                                          LocalKafka kafka, @TempDir Path dir) throws Exception {
        Path log = dir.resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"), mainClass)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        builder.environment().put("PROCESSOR_STATE_DIR", dir.resolve("state").toString());
        Process process = builder.start();
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> read(log).contains(started) || !process.isAlive());
            assertThat(process.isAlive()).as("started: %s", read(log)).isTrue();

            process.destroy(); // SIGTERM

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited: %s", read(log)).isTrue();
            assertThat(read(log)).contains(stopped);
        } finally {
            process.destroyForcibly();
        }
    }

    private static String read(Path log) throws Exception {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

}
