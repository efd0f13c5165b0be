package dev.telemetry.faults;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Counts what reached Kafka, read directly from the broker (never through the scenario's proxy): the load's events on
 * the raw topic, the {@code count} of their summaries on the summaries topic (read_committed, as analysts read it),
 * and how far the processor's consumer group is behind on the raw topic.
 */
public final class PipelineCounter implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);
    // After the expected count is reached, read on a little: a window summarised twice would show up here.
    private static final Duration SETTLE = Duration.ofSeconds(3);
    // After the processor caught up and the last window's end + grace passed on the wall clock: one close check
    // (1 s) and one commit (1 s) to publish it, with room to spare on a busy machine.
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(15);

    private final String bootstrapServers;
    private final String rawTopic;
    private final String summariesTopic;
    private final Admin admin;

    public PipelineCounter(String bootstrapServers, String rawTopic, String summariesTopic) {
        this.bootstrapServers = bootstrapServers;
        this.rawTopic = rawTopic;
        this.summariesTopic = summariesTopic;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    /**
     * The load's events on the raw topic, read from the beginning to the end offsets of now (so call it once the load
     * has stopped), and which of the acknowledged ids are not among them.
     */
    public RawCount countRaw(String app, String metric, UuidSet acknowledged) {
        long events = 0;
        try (KafkaConsumer<String, Envelope> consumer = consumer(JsonSerde.envelope().deserializer())) {
            List<TopicPartition> partitions = partitions(consumer, rawTopic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, Envelope> record : consumer.poll(POLL)) {
                    Envelope envelope = record.value();
                    if (envelope != null && envelope.app().equals(app)
                            && envelope.event() instanceof MetricEvent event && event.name().equals(metric)) {
                        events++;
                        acknowledged.markFound(UUID.fromString(envelope.eventId()));
                    }
                }
            }
        }
        return new RawCount(events, acknowledged.notFound());
    }

    /**
     * Reads the summaries of {@code app}'s {@code metric} and sums their counts until the sum is {@code expected},
     * or until it cannot change any more — the processor's group has committed the whole raw topic and the last
     * window has had time to close (its size and grace after the load, or after catching up), or
     * {@code processorFailure} names a reason (e.g. the processor stopped) — or until {@code deadline}. Call it once
     * the load has stopped.
     */
    public SummaryCount awaitSummaries(String app, String metric, long expected, String processorGroup,
                                       Duration windowAndGrace, Instant loadEnd, Instant deadline,
                                       Supplier<String> processorFailure) {
        long summarised = 0;
        long records = 0;
        Set<String> windows = new HashSet<>();
        String outcome;
        Instant caughtUpAt = null;
        Instant lastCheck = Instant.EPOCH;
        try (KafkaConsumer<String, Summary> consumer = consumer(JsonSerde.summary().deserializer())) {
            List<TopicPartition> partitions = partitions(consumer, summariesTopic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Instant settleUntil = null;
            while (true) {
                for (ConsumerRecord<String, Summary> record : consumer.poll(POLL)) {
                    Summary summary = record.value();
                    if (summary != null && summary.app().equals(app) && summary.metric().equals(metric)) {
                        summarised += summary.count();
                        records++;
                        windows.add(summary.series() + "@" + summary.windowStart());
                    }
                }
                Instant now = Instant.now();
                if (settleUntil == null && summarised >= expected) {
                    settleUntil = now.plus(SETTLE);
                }
                if (settleUntil != null && now.isAfter(settleUntil)) {
                    outcome = summarised == expected ? "reached the raw count" : "passed the raw count";
                    break;
                }
                if (now.isAfter(deadline)) {
                    outcome = "timed out";
                    break;
                }
                if (settleUntil == null && now.isAfter(lastCheck.plusSeconds(1))) {
                    lastCheck = now;
                    String failure = processorFailure.get();
                    if (failure != null) {
                        outcome = "stopped counting: " + failure;
                        break;
                    }
                    if (caughtUpAt == null && lag(processorGroup) == 0) {
                        caughtUpAt = now;
                    }
                }
                if (caughtUpAt != null && settleUntil == null) {
                    Instant last = caughtUpAt.isAfter(loadEnd) ? caughtUpAt : loadEnd;
                    if (now.isAfter(last.plus(windowAndGrace).plus(CLOSE_MARGIN))) {
                        outcome = "processor caught up and every window closed";
                        break;
                    }
                }
            }
        }
        return new SummaryCount(summarised, records, windows.size(), outcome);
    }

    /**
     * Events on the raw topic that {@code group} has not committed yet: the processor's backlog. A group that never
     * committed is behind by the whole topic.
     */
    public long lag(String group) {
        try (KafkaConsumer<String, String> consumer = consumer(new StringDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, rawTopic);
            long end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            return end - committed(group);
        }
    }

    /** The sum of {@code group}'s committed offsets on the raw topic: it moves only while the processor commits. */
    public long committed(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return committed.entrySet().stream().filter(e -> e.getKey().topic().equals(rawTopic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the offsets of " + group, e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of " + group + ": " + e.getMessage(), e);
        }
    }

    private <T> KafkaConsumer<String, T> consumer(Deserializer<T> values) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(props, new StringDeserializer(), values);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }

    /**
     * @param events                the load's events on the raw topic (acknowledged or not: a 503 can still have
     *                              been written)
     * @param acknowledgedNotFound  acknowledged event ids that are not there: a broken promise of the gateway
     */
    public record RawCount(long events, long acknowledgedNotFound) {
    }

    /**
     * @param summarised  the sum of {@code count} over the summaries read
     * @param records     summaries read
     * @param windows     distinct (series, window) pairs among them: fewer than {@code records} means some window
     *                    was summarised more than once
     * @param outcome     why reading stopped
     */
    public record SummaryCount(long summarised, long records, long windows, String outcome) {
    }
}
