package dev.telemetry.console.config;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import dev.telemetry.service.config.Require;
import java.time.Duration;
import java.util.Map;

/** The console's typed configuration; shipped defaults are {@code console.yaml} on the classpath. */
public record ConsoleConfig(Http http, Kafka kafka, Map<String, String> topics, Views views) {

    public ConsoleConfig {
        topics = topics == null ? Map.of() : Map.copyOf(topics);
    }

    /** Where the HTTP server (page, API, /health, /metrics) listens. */
    public record Http(String host, int port) {
    }

    /** The read model's consumer: manual assignment, no group, no commits. */
    public record Kafka(String bootstrapServers, Duration pollTimeout, Duration metadataRefresh) {
    }

    /** The bounds of the in-memory views. */
    public record Views(Duration retention, int maxSeries, int maxWindowsPerSeries, int maxAlerts, int maxRecords) {
    }

    /** Loads defaults, then {@code --config <file>} if given, then the environment. */
    public static ConsoleConfig load(String[] args, Map<String, String> env) {
        return new ConfigLoader("/console.yaml", "CONSOLE", env)
                .load(ConfigLoader.configFile(args), ConsoleConfig.class, ConsoleConfig::validate);
    }

    /** The same configuration reading from another broker (the local stack points it at its own). */
    public ConsoleConfig withBootstrapServers(String bootstrapServers) {
        return new ConsoleConfig(http, new Kafka(bootstrapServers, kafka.pollTimeout(), kafka.metadataRefresh()), topics, views);
    }

    public TopicCatalogue topicCatalogue() {
        try {
            return TopicCatalogue.withOverrides(topics);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("topics", e.getMessage(), e);
        }
    }

    public static void validate(ConsoleConfig c) {
        Require.present("http", c.http());
        Require.notBlank("http.host", c.http().host());
        Require.port("http.port", c.http().port());
        Require.present("kafka", c.kafka());
        Require.notBlank("kafka.bootstrap-servers", c.kafka().bootstrapServers());
        Require.positive("kafka.poll-timeout", c.kafka().pollTimeout());
        Require.positive("kafka.metadata-refresh", c.kafka().metadataRefresh());
        c.topicCatalogue();
        Require.present("views", c.views());
        Require.positive("views.retention", c.views().retention());
        Require.positive("views.max-series", c.views().maxSeries());
        Require.positive("views.max-windows-per-series", c.views().maxWindowsPerSeries());
        Require.positive("views.max-alerts", c.views().maxAlerts());
        Require.positive("views.max-records", c.views().maxRecords());
    }
}
