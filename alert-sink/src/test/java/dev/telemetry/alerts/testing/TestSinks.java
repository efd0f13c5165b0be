package dev.telemetry.alerts.testing;

import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.kafka.local.junit.LocalKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Sink configurations for tests on the shared broker: every topic and the group unique to the test. */
public final class TestSinks {

    private TestSinks() {
    }

    /** Defaults on {@code kafka}, an ephemeral http port, fast retries, and fresh topics (alerts topic name given). */
    public static SinkConfig config(LocalKafka kafka, String alertsTopic) {
        SinkConfig config = SinkConfig.defaults()
                .withKafka(kafka.bootstrapServers())
                .withGroupId("alert-sink-test-" + UUID.randomUUID())
                .withTopic("alerts", alertsTopic)
                .withHttp("127.0.0.1", 0)
                .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1));
        for (String key : List.of("notifications", "notification-log", "silences", "alerts-dlq", "group-state")) {
            String name = kafka.uniqueTopicName(key);
            kafka.createTopic(name, 1, Map.of());
            config = config.withTopic(key, name);
        }
        return config;
    }
}
