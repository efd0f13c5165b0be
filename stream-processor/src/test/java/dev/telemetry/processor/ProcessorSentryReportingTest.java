package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.service.ops.ErrorReporter;
import dev.telemetry.service.testing.FakeSentry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The processor's own unexpected exceptions reach Sentry (here the local stand-in, found through a real
 * {@code SENTRY_DSN}): a stream thread that dies, and a record a processor throws on.
 */
class ProcessorSentryReportingTest {

    private FakeSentry sentry;
    private ErrorReporter reporter;

    @BeforeEach
    void startSentry() {
        sentry = new FakeSentry();
        reporter = ErrorReporter.fromEnvironment(Map.of("SENTRY_DSN", sentry.dsn(11)), "stream-processor", "test");
    }

    @AfterEach
    void stopSentry() {
        reporter.close();
        sentry.close();
    }

    @Test
    void shouldReportTheExceptionWhenAStreamThreadDies() {
        // Given the processor's thread failure policy, reporting to the stand-in Sentry
        ThreadFailurePolicy policy = new ThreadFailurePolicy(3, Duration.ofMinutes(10), System::currentTimeMillis,
                () -> { }, reporter);

        // When a stream thread dies
        StreamThreadExceptionResponse response = policy.handle(new StreamsException("thread death for sentry"));
        reporter.close();

        // Then it is still replaced, and the exception reached Sentry as the processor's, tagged with where
        assertThat(response).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        String event = awaitEvent("thread death for sentry");
        assertThat(event).startsWith("/api/11/envelope/").contains("StreamsException").contains("stream-processor@test")
                .contains(ThreadFailurePolicy.WHERE);
    }

    @Test
    void shouldReportTheExceptionAndSkipTheRecordWhenAProcessorThrows() {
        // Given a topology whose processor throws on one record, run with the processor's exception handling
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        topology.addProcessor("failing", Failing::new, "in");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "sentry-test");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ReportingProcessingExceptionHandler.class);
        props.put(ReportingProcessingExceptionHandler.REPORTER, reporter);

        // When the record is processed
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            driver.createInputTopic("in", new StringSerializer(), new StringSerializer()).pipeInput("k", "bug");
        }
        reporter.close();

        // Then processing went on (no exception above) and Sentry has the exception, with the failing processor
        String event = awaitEvent("processor bug for sentry");
        assertThat(event).contains("IllegalStateException").contains("stream-processor@test").contains("processor failing");
    }

    /** A processor with a bug: it throws on every record. */
    private static final class Failing implements Processor<String, String, String, String> {
        @Override
        public void process(Record<String, String> record) {
            throw new IllegalStateException("processor bug for sentry");
        }
    }

    private String awaitEvent(String text) {
        List<String> envelopes = sentry.envelopes();
        await().atMost(Duration.ofSeconds(30)).until(() -> envelopes.stream().anyMatch(e -> e.contains(text)));
        return envelopes.stream().filter(e -> e.contains(text)).findFirst().orElseThrow();
    }
}
