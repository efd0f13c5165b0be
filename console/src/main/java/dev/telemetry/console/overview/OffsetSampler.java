package dev.telemetry.console.overview;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples offsets with Kafka's admin API in the background, every {@code interval}: the raw topics' end offsets
 * (into {@link AcceptedEvents}) and the processor's committed offsets against the end offsets of what it reads
 * ({@link ProcessorLag}). Requests are bounded by a short timeout, so a broker that is away costs one failed sample
 * (shown as the overview's error) and never an HTTP request's time.
 */
public final class OffsetSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetSampler.class);
    private static final long TIMEOUT_MS = 5_000;

    private final Admin admin;
    private final Map<String, String> rawTopics;
    private final String group;
    private final AcceptedEvents accepted;
    private final Clock clock;
    private final Runnable onChange;
    private volatile ProcessorLag lag;
    private volatile String acceptedError;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "console-offset-sampler");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param rawTopics event type (the topic's role, e.g. {@code vitals}) → topic name
     * @param group     the processor's consumer group (its application id)
     */
    public OffsetSampler(String bootstrapServers, Map<String, String> rawTopics, String group, AcceptedEvents accepted,
                         Clock clock, Runnable onChange) {
        this.rawTopics = new LinkedHashMap<>(rawTopics);
        this.group = group;
        this.accepted = accepted;
        this.clock = clock;
        this.onChange = onChange;
        this.lag = ProcessorLag.none(group);
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "telemetry-console-overview");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT_MS * 2);
        this.admin = Admin.create(props);
    }

    public OffsetSampler start(Duration interval) {
        timer.scheduleWithFixedDelay(this::safeSample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    public ProcessorLag lag() {
        return lag;
    }

    /** Why the last sample of the raw topics failed, or null. */
    public String acceptedError() {
        return acceptedError;
    }

    public String group() {
        return group;
    }

    /** The raw topics sampled, by event type. */
    public Map<String, String> rawTopics() {
        return Map.copyOf(rawTopics);
    }

    private void safeSample() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("offset sample failed", e);
        }
    }

    /** One sample of both; each part records its own failure. */
    public void sample() {
        boolean changed = false;
        Instant now = clock.instant();
        Map<TopicPartition, String> rawPartitions = new HashMap<>();
        Map<TopicPartition, Long> end;
        Map<TopicPartition, Long> committed = Map.of();
        String lagError = null;
        try {
            rawPartitions = partitions();
            try {
                committed = committed();
            } catch (ExecutionException | TimeoutException e) {
                lagError = "committed offsets of group " + group + ": " + describe(e);
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            rawPartitions.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            end = offsets(latest, Map.of());
        } catch (ExecutionException | TimeoutException e) {
            String why = describe(e);
            acceptedError = why;
            lag = lag.failed(why);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Map<String, Long> perType = sumPerType(rawPartitions, end);
        try {
            if (!accepted.started()) {
                accepted.start(now, perType, history(rawPartitions, end, now));
                changed = true;
            } else {
                changed = accepted.sample(now, perType);
            }
            acceptedError = null;
        } catch (ExecutionException | TimeoutException e) {
            acceptedError = "offsets by time: " + describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        ProcessorLag before = lag;
        lag = lagError != null ? before.failed(lagError) : ProcessorLag.of(group, now, committed, end);
        if (before.total() != lag.total() || before.committedPartitions() != lag.committedPartitions()
                || !java.util.Objects.equals(before.error(), lag.error())) {
            changed = true;
        }
        if (changed) {
            onChange.run();
        }
    }

    /** The raw topics' partitions, by partition → event type; topics that do not exist (yet) are left out. */
    private Map<TopicPartition, String> partitions() throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, String> typeByTopic = new HashMap<>();
        rawTopics.forEach((type, topic) -> typeByTopic.put(topic, type));
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(typeByTopic.keySet()).topicNameValues();
        Map<TopicPartition, String> out = new HashMap<>();
        ExecutionException failure = null;
        for (Map.Entry<String, KafkaFuture<TopicDescription>> d : described.entrySet()) {
            try {
                TopicDescription description = d.getValue().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
                description.partitions().forEach(p -> out.put(new TopicPartition(d.getKey(), p.partition()), typeByTopic.get(d.getKey())));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    failure = e;
                }
            }
        }
        if (out.isEmpty() && failure != null) {
            throw failure;
        }
        return out;
    }

    private Map<TopicPartition, Long> committed() throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (o != null) {
                out.put(tp, o.offset());
            }
        });
        return out;
    }

    /**
     * Offsets per partition for the given specs; a partition whose answer is -1 (no record at or after a time)
     * gets its {@code fallback} (the end offset). Partitions that fail are left out.
     */
    private Map<TopicPartition, Long> offsets(Map<TopicPartition, OffsetSpec> specs, Map<TopicPartition, Long> fallback)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (specs.isEmpty()) {
            return out;
        }
        ListOffsetsResult result = admin.listOffsets(specs);
        ExecutionException failure = null;
        for (TopicPartition tp : specs.keySet()) {
            try {
                long offset = result.partitionResult(tp).get(TIMEOUT_MS, TimeUnit.MILLISECONDS).offset();
                if (offset >= 0) {
                    out.put(tp, offset);
                } else if (fallback.containsKey(tp)) {
                    out.put(tp, fallback.get(tp));
                }
            } catch (ExecutionException e) {
                failure = e;
            }
        }
        if (out.isEmpty() && failure != null) {
            throw failure;
        }
        return out;
    }

    /** Each earlier bucket's start → offsets per type there (the first record at or after it). */
    private TreeMap<Instant, Map<String, Long>> history(Map<TopicPartition, String> rawPartitions, Map<TopicPartition, Long> end,
                                                         Instant now) throws InterruptedException, ExecutionException, TimeoutException {
        TreeMap<Instant, Map<String, Long>> out = new TreeMap<>();
        Map<TopicPartition, Long> rawEnd = new HashMap<>();
        rawPartitions.keySet().forEach(tp -> {
            if (end.containsKey(tp)) {
                rawEnd.put(tp, end.get(tp));
            }
        });
        if (rawEnd.isEmpty()) {
            return out;
        }
        List<Instant> starts = accepted.buckets(now).stream().map(AcceptedEvents.Bucket::start).toList();
        for (Instant start : starts) {
            Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
            rawEnd.keySet().forEach(tp -> specs.put(tp, OffsetSpec.forTimestamp(start.toEpochMilli())));
            Map<TopicPartition, Long> at = offsets(specs, rawEnd);
            // A partition missing from the answer counts nothing in this bucket: use its end offset.
            rawEnd.forEach(at::putIfAbsent);
            out.put(start, sumPerType(rawPartitions, at));
        }
        return out;
    }

    private static Map<String, Long> sumPerType(Map<TopicPartition, String> rawPartitions, Map<TopicPartition, Long> offsets) {
        Map<String, Long> out = new HashMap<>();
        rawPartitions.forEach((tp, type) -> {
            Long o = offsets.get(tp);
            if (o != null) {
                out.merge(type, o, Long::sum);
            }
        });
        return out;
    }

    private static String describe(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "Kafka did not answer in time";
        }
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close(Duration.ofSeconds(2));
    }
}
