package dev.telemetry.kafka.local.junit;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.LocalKafkaBroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/** The one broker of a test JVM, in a temporary directory that is deleted when it closes. */
final class SharedBroker implements LocalKafka, AutoCloseable {

    private final Path dataDir;
    private final LocalKafkaBroker broker;
    private final AtomicLong names = new AtomicLong();

    private SharedBroker(Path dataDir, LocalKafkaBroker broker) {
        this.dataDir = dataDir;
        this.broker = broker;
    }

    static SharedBroker start() {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("local-kafka-test-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the test broker", e);
        }
        LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dataDir).build();
        try {
            broker.start();
        } catch (RuntimeException e) {
            delete(dataDir);
            throw e;
        }
        return new SharedBroker(dataDir, broker);
    }

    @Override
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    @Override
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        broker.createTopic(name, partitions, configs);
    }

    @Override
    public String uniqueTopicName(String prefix) {
        return prefix + "-" + names.incrementAndGet();
    }

    @Override
    public void createCatalogueTopics(TopicCatalogue catalogue, int partitions) {
        broker.createTopics(catalogue, partitions);
    }

    @Override
    public void close() {
        try {
            broker.close();
        } finally {
            delete(dataDir);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temporary directory must not fail the test run.
        }
    }

    @Override
    public String toString() {
        return "LocalKafka[" + broker.bootstrapServers() + "]";
    }
}
