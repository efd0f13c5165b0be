package dev.telemetry.alerts.testing;

import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.alerts.dispatch.Grouping;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Sink configurations for tests on the shared broker: every topic and the group unique to the test. */
public final class TestSinks {

    private TestSinks() {
    }

    /**
     * Defaults on {@code kafka}, an ephemeral http port, fast retries, fresh topics (alerts topic name given), and
     * every alert notified at once on its own with no storm limit (tests that group or limit say so).
     */
    public static SinkConfig config(LocalKafka kafka, String alertsTopic) {
        SinkConfig config = SinkConfig.defaults()
                .withKafka(kafka.bootstrapServers())
                .withGroupId("alert-sink-test-" + UUID.randomUUID())
                .withTopic("alerts", alertsTopic)
                .withHttp("127.0.0.1", 0)
                .withRetry(Duration.ofMillis(100), Duration.ofSeconds(1))
                .withGrouping(Grouping.none())
                .withStormLimit(0);
        for (String key : List.of("notifications", "notification-log", "silences", "alerts-dlq", "group-state")) {
            String name = kafka.uniqueTopicName(key);
            kafka.createTopic(name, 1, Map.of());
            config = config.withTopic(key, name);
        }
        return config;
    }

    /**
     * The first lines of a {@code sink.yaml} for a sink run as a child process with {@code config}'s broker, group and
     * topics, an ephemeral port and fast retries (a 6 s session, so a killed child's partitions move on quickly);
     * the caller appends its grouping and receivers.
     */
    public static String childYamlHead(SinkConfig config) {
        TopicCatalogue topics = config.topicCatalogue();
        return """
                kafka: {bootstrap-servers: "%s", session-timeout: 6s}
                group-id: %s
                topics: {alerts: %s, notifications: %s, notification-log: %s, silences: %s, alerts-dlq: %s, group-state: %s}
                http: {host: 127.0.0.1, port: 0}
                retry: {initial-backoff: 100ms, max-backoff: 1s}
                delivery: {storm-limit: 0}
                """.formatted(config.kafka().bootstrapServers(), config.groupId(), topics.name(Topic.ALERTS),
                topics.name(Topic.NOTIFICATIONS), topics.name(Topic.NOTIFICATION_LOG), topics.name(Topic.SILENCES),
                topics.name(Topic.ALERTS_DLQ), topics.name(Topic.GROUP_STATE));
    }
}
