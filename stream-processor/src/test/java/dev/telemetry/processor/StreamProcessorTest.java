package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.processor.config.ProcessorConfig;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.junit.jupiter.api.Test;

/** How {@link StreamProcessor} runs the topology: the Kafka Streams configuration it derives from the config. */
class StreamProcessorTest {

    @Test
    void shouldRunExactlyOnceWithDeadLetterQueueWhenPropertiesAreBuiltFromConfig() {
        ProcessorConfig config = ProcessorConfig.load(new String[0], Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093", "PROCESSOR_STATE_DIR", "/var/lib/processor"));

        Properties props = StreamProcessor.streamsProperties(config);

        assertThat(props).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "telemetry-processor")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9093")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/processor")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
                // The task idling Kafka Streams did per record is the windows' own (ReadProgress#streamTimeBound).
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000L)
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueProcessingExceptionHandler.class)
                .containsEntry(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "telemetry.dlq")
                // Commits wait out a broker outage instead of corrupting the tasks after Kafka's 60 s.
                .containsEntry("producer.max.block.ms", 900_000);
        // Kafka Streams accepts every key and value as given.
        new StreamsConfig(props);
    }
}
