package dev.telemetry.auditor.service;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import dev.telemetry.service.config.Require;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The auditor service's configuration: shipped defaults in {@code /auditor.yaml}, an optional user file, then
 * {@code AUDITOR_*} environment overrides, validated at start-up with errors naming the key.
 *
 * @param lookback      how far back reading starts at start-up, and how long a judged window is kept
 * @param checkInterval how often the windows read so far are judged
 * @param channels      the {@code audit_mismatch} alert's channels
 */
public record AuditorConfig(Kafka kafka, Map<String, String> topics, Http http, Duration lookback,
                            Duration checkInterval, List<String> channels) {

    public static final String DEFAULTS_RESOURCE = "/auditor.yaml";
    public static final String ENV_PREFIX = "AUDITOR";

    public AuditorConfig {
        topics = topics == null ? Map.of() : Map.copyOf(topics);
        channels = channels == null ? List.of() : List.copyOf(channels);
    }

    public record Kafka(String bootstrapServers) {
    }

    /** Where the operations endpoint listens; port 0 picks a free port. */
    public record Http(String host, int port) {
    }

    public static AuditorConfig load(String[] args) {
        return load(ConfigLoader.configFile(args), System.getenv());
    }

    public static AuditorConfig load(Path userFile, Map<String, String> env) {
        return new ConfigLoader(DEFAULTS_RESOURCE, ENV_PREFIX, env).load(userFile, AuditorConfig.class,
                AuditorConfig::validate);
    }

    public TopicCatalogue topicCatalogue() {
        try {
            return TopicCatalogue.withOverrides(topics);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("topics", e.getMessage(), e);
        }
    }

    public AuditorConfig withBootstrapServers(String bootstrapServers) {
        return new AuditorConfig(new Kafka(bootstrapServers), topics, http, lookback, checkInterval, channels);
    }

    public AuditorConfig withTopics(Map<String, String> topics) {
        return new AuditorConfig(kafka, topics, http, lookback, checkInterval, channels);
    }

    public AuditorConfig withHttp(Http http) {
        return new AuditorConfig(kafka, topics, http, lookback, checkInterval, channels);
    }

    public void validate() {
        Require.present("kafka", kafka);
        Require.notBlank("kafka.bootstrap-servers", kafka.bootstrapServers());
        Require.present("http", http);
        Require.notBlank("http.host", http.host());
        Require.port("http.port", http.port());
        Require.positive("lookback", lookback);
        Require.positive("check-interval", checkInterval);
        topicCatalogue();
    }
}
