package dev.telemetry.benchmarks.pipeline;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the processor's consumer group is behind on the raw topic, with one admin client: the topic's end offsets
 * minus the group's committed offsets, summed over partitions (the raw topic has no transaction markers: the gateway's
 * producer is idempotent, not transactional, so offsets count events).
 */
final class LagProbe implements AutoCloseable {

    private final Admin admin;
    private final String topic;
    private final String group;

    LagProbe(String bootstrapServers, String topic, String group) {
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                // The API timeout may not be shorter than a request's (30 s by default): both 10 s.
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
        this.topic = topic;
        this.group = group;
    }

    /** The sum of the raw topic's end offsets: events written so far. */
    long end() throws Exception {
        var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(topic).partitions();
        Map<TopicPartition, OffsetSpec> specs = partitions.stream().collect(Collectors.toMap(
                p -> new TopicPartition(topic, p.partition()), p -> OffsetSpec.latest()));
        return admin.listOffsets(specs).all().get(10, TimeUnit.SECONDS).values().stream()
                .mapToLong(info -> info.offset()).sum();
    }

    /** The sum of the group's committed offsets on the raw topic (0 before its first commit). */
    long committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Events on the raw topic the group has not committed; -1 when the broker did not answer. */
    long lag() {
        try {
            long committed = committed();
            return end() - committed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
