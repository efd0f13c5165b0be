package dev.telemetry.kafka.local.junit;

import dev.telemetry.events.topic.TopicCatalogue;

import java.util.Map;

/** The test JVM's shared Kafka broker as a test sees it: where to connect and how to get topics. */
public interface LocalKafka {

    /** The {@code bootstrap.servers} value for clients, e.g. {@code 127.0.0.1:40123}. */
    String bootstrapServers();

    /** Creates a topic unless it exists; on return it is ready to use. */
    void createTopic(String name, int partitions, Map<String, String> configs);

    default void createTopic(String name, int partitions) {
        createTopic(name, partitions, Map.of());
    }

    /**
     * A topic name no other call in this JVM returned, e.g. {@code orders-7}. Tests share the broker,
     * so a test that owns its topics stays independent of the others.
     */
    String uniqueTopicName(String prefix);

    /** Creates the catalogue's topics that are missing, with their creation configs. */
    void createCatalogueTopics(TopicCatalogue catalogue, int partitions);

    /** Creates the catalogue's missing topics with one partition each. */
    default void createCatalogueTopics(TopicCatalogue catalogue) {
        createCatalogueTopics(catalogue, 1);
    }
}
