package dev.telemetry.rulelab.backtest;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.rulelab.unit.TestTimes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the raw topics' history between two times with a plain consumer: partitions assigned (no consumer group,
 * nothing committed, nothing written), started at {@code offsetsForTimes(from)}, {@code read_committed} as the
 * processor reads, up to the end offsets seen when reading began. Records of all partitions are handed on merged in
 * timestamp order (the time they were appended), as a processor reading them live would have met them; a
 * partition is paused while it is far ahead of the others, so memory stays bounded.
 */
public final class HistoryReader implements AutoCloseable {

    /** The raw topics the processor's topology reads. */
    public static final List<Topic> RAW_TOPICS = List.of(Topic.METRICS, Topic.VITALS, Topic.ACTIONS, Topic.REQUESTS,
            Topic.SYNTHETIC, Topic.ERRORS, Topic.SECURITY);

    private static final int MAX_BUFFERED_PER_PARTITION = 2_000;

    /** What a read saw. */
    public record Stats(long records, long delivered, long undecodable, long skippedApp) {
    }

    /** Where records go: each with its raw topic, its key and value as read, and its append time. */
    @FunctionalInterface
    public interface RawSink {
        void accept(Topic topic, byte[] key, byte[] value, Instant appendedAt);
    }

    /** The broker did not answer. */
    public static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicCatalogue topics;
    private final Duration timeout;

    public HistoryReader(String bootstrapServers, TopicCatalogue topics, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "telemetry-backtest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // Reading must never create a topic (a mistyped name in the rules file finds nothing instead).
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topics = topics;
        this.timeout = timeout;
    }

    /**
     * Hands every envelope appended in {@code [from, to)} (of {@code app}, unless null) to {@code sink} with its
     * append time, in append-time order; records that are no envelope are counted and skipped.
     */
    public Stats read(Instant from, Instant to, String app, BiConsumer<Envelope, Instant> sink) throws Unreachable {
        Deserializer<Envelope> envelopes = JsonSerde.envelope().deserializer();
        long[] undecodable = {0};
        long[] skippedApp = {0};
        Stats stats = readRaw(from, to, null, (topic, key, value, appendedAt) -> {
            Envelope envelope;
            try {
                envelope = envelopes.deserialize(topics.name(topic), value);
            } catch (RuntimeException e) {
                envelope = null;
            }
            if (envelope == null) {
                undecodable[0]++;
            } else if (app != null && !app.equals(envelope.app())) {
                skippedApp[0]++;
            } else {
                sink.accept(envelope, appendedAt);
            }
        });
        return new Stats(stats.records(), stats.records() - undecodable[0] - skippedApp[0], undecodable[0],
                skippedApp[0]);
    }

    /**
     * Hands every record appended in {@code [from, to)} to {@code sink} as read, undecoded, with its append time,
     * in append-time order: the processor's topology decodes it, as it does live. With {@code app}, only the
     * records keyed by that app ({@code app|series}, as the gateway keys every envelope). {@link Stats#undecodable()}
     * is 0: the topology counts what it cannot decode.
     */
    public Stats readRaw(Instant from, Instant to, String app, RawSink sink) throws Unreachable {
        Map<String, Topic> topicsByName = new HashMap<>();
        RAW_TOPICS.forEach(t -> topicsByName.put(topics.name(t), t));
        byte[] appPrefix = app == null ? null : (app + "|").getBytes(StandardCharsets.UTF_8);
        List<TopicPartition> partitions = new ArrayList<>();
        try {
            for (Topic topic : RAW_TOPICS) {
                List<PartitionInfo> infos = consumer.partitionsFor(topics.name(topic), timeout);
                if (infos != null) {
                    infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                }
            }
        } catch (TimeoutException e) {
            throw new Unreachable("no answer from the broker within " + TestTimes.format(timeout), e);
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends;
        Map<TopicPartition, OffsetAndTimestamp> starts;
        try {
            ends = consumer.endOffsets(partitions, timeout);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(p -> query.put(p, from.toEpochMilli()));
            starts = consumer.offsetsForTimes(query, timeout);
        } catch (TimeoutException e) {
            throw new Unreachable("no answer from the broker within " + TestTimes.format(timeout), e);
        }
        Set<TopicPartition> active = new HashSet<>();
        Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffers = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp start = starts.get(p);
            long end = ends.getOrDefault(p, 0L);
            if (start != null && start.offset() < end) {
                consumer.seek(p, start.offset());
                active.add(p);
                buffers.put(p, new ArrayDeque<>());
            }
        }
        consumer.assign(active);
        long records = 0;
        long delivered = 0;
        long skippedApp = 0;
        while (!active.isEmpty()) {
            // Poll until every active partition has a record buffered or is read to its end.
            boolean ready = false;
            while (!ready) {
                Set<TopicPartition> full = new HashSet<>();
                buffers.forEach((p, b) -> {
                    if (b.size() >= MAX_BUFFERED_PER_PARTITION) {
                        full.add(p);
                    }
                });
                consumer.pause(full);
                consumer.resume(active.stream().filter(p -> !full.contains(p)).toList());
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition p = new TopicPartition(r.topic(), r.partition());
                    if (active.contains(p)) {
                        buffers.get(p).add(r);
                    }
                }
                ready = true;
                for (TopicPartition p : List.copyOf(active)) {
                    if (buffers.get(p).isEmpty()) {
                        if (consumer.position(p, timeout) >= ends.get(p)) {
                            active.remove(p);
                        } else {
                            ready = false;
                        }
                    }
                }
            }
            // Hand on records in timestamp order while every active partition has one buffered.
            while (!active.isEmpty()) {
                TopicPartition next = null;
                long earliest = Long.MAX_VALUE;
                boolean someEmpty = false;
                for (TopicPartition p : active) {
                    ConsumerRecord<byte[], byte[]> head = buffers.get(p).peek();
                    if (head == null) {
                        someEmpty = true;
                        break;
                    }
                    if (head.timestamp() < earliest) {
                        earliest = head.timestamp();
                        next = p;
                    }
                }
                if (someEmpty || next == null) {
                    break;
                }
                ConsumerRecord<byte[], byte[]> r = buffers.get(next).poll();
                if (r.offset() + 1 >= ends.get(next) && buffers.get(next).isEmpty()) {
                    active.remove(next);
                }
                if (r.timestamp() >= to.toEpochMilli()) {
                    // This partition has reached the end of the range.
                    active.remove(next);
                    buffers.get(next).clear();
                    continue;
                }
                records++;
                if (appPrefix != null && !startsWith(r.key(), appPrefix)) {
                    skippedApp++;
                    continue;
                }
                sink.accept(topicsByName.get(r.topic()), r.key(), r.value(), Instant.ofEpochMilli(r.timestamp()));
                delivered++;
            }
        }
        return new Stats(records, delivered, 0, skippedApp);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key != null && key.length >= prefix.length
                && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
