package dev.telemetry.events.topic;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The one place that turns a {@link Topic} role into the topic name in use. Names default to
 * {@link Topic#defaultName()} and can be overridden by configuration (`topics.<config-key>`),
 * so a deployment can prefix or rename topics without code changes.
 */
public final class TopicCatalogue {

    private final Map<Topic, String> names;

    private TopicCatalogue(Map<Topic, String> names) {
        this.names = Collections.unmodifiableMap(new EnumMap<>(names));
    }

    /** The catalogue with every topic under its default name. */
    public static TopicCatalogue defaults() {
        return withOverrides(Map.of());
    }

    /**
     * The catalogue with some names overridden. Keys are {@link Topic#configKey()} values
     * (e.g. {@code summaries}, {@code alerts-dlq}); an unknown key is rejected by name.
     */
    public static TopicCatalogue withOverrides(Map<String, String> overrides) {
        Map<Topic, String> names = new EnumMap<>(Topic.class);
        for (Topic topic : Topic.values()) {
            names.put(topic, topic.defaultName());
        }
        Map<String, Topic> byKey = new LinkedHashMap<>();
        for (Topic topic : Topic.values()) {
            byKey.put(topic.configKey(), topic);
        }
        if (overrides != null) {
            overrides.forEach((key, name) -> {
                Topic topic = byKey.get(key);
                if (topic == null) {
                    throw new IllegalArgumentException("topics." + key + ": unknown topic; known: " + byKey.keySet());
                }
                if (name == null || !name.matches("[a-zA-Z0-9._-]{1,249}")) {
                    throw new IllegalArgumentException("topics." + key + ": '" + name
                            + "' is not a valid Kafka topic name (letters, digits, '.', '_', '-'; at most 249)");
                }
                names.put(topic, name);
            });
        }
        return new TopicCatalogue(names);
    }

    public String name(Topic topic) {
        return names.get(Objects.requireNonNull(topic, "topic"));
    }

    /** Every topic and the name it has in this catalogue, in declaration order. */
    public Map<Topic, String> all() {
        return names;
    }
}
