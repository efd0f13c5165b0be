package dev.telemetry.processor.progress;

import dev.telemetry.processor.stage.ReadProgress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ReadProgress} from the broker itself: once a round (every {@code interval}) it asks, with its own admin
 * client, for the application's committed offsets and then for the end offsets of every input partition, and
 * {@link ReadProgressTracker} turns the two into "read up to" times. Nothing here trusts a silence: when the broker
 * does not answer (outage, network partition) the times stay where they were and windows wait; a restarted
 * processor knows nothing until its first round and closes nothing by the wall clock before it.
 */
public final class KafkaReadProgress implements ReadProgress, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaReadProgress.class);
    /** End offsets kept per partition while the processor is behind: ten minutes of one-second rounds. */
    private static final int MAX_NOTED = 600;
    private static final Duration DESCRIBE_EVERY = Duration.ofMinutes(1);

    private final Admin admin;
    private final String groupId;
    private final TopologyInputs inputs;
    private final Duration interval;
    private final Duration timeout;
    private final LongSupplier clock;
    private final ReadProgressTracker tracker;
    private final MainConsumers consumers;
    /** Each task's raw input partitions, as its stream thread's consumer was first found assigned them. */
    private final Map<TaskId, List<TopicPartition>> rawPartitions = new ConcurrentHashMap<>();
    private volatile boolean warnedNoConsumer;
    private final ScheduledExecutorService rounds;
    private volatile Map<TopicPartition, Long> published = Map.of();
    private boolean failing;
    /** The input partitions as last described, and when: partitions are added rarely, rounds come every second. */
    private List<TopicPartition> inputPartitions = List.of();
    private long describedAt = UNKNOWN;
    private boolean allTopicsFound;
    /** The most partitions of a raw input topic, as last described; 0 until then. */
    private volatile int tasks;

    /**
     * @param consumers the stream threads' main consumers, for {@link #streamTimeBound}: Kafka Streams must make its
     *                  clients with them
     */
    public KafkaReadProgress(Admin admin, String groupId, TopologyInputs inputs, Duration interval, LongSupplier clock,
                             MainConsumers consumers) {
        this.admin = admin;
        this.consumers = consumers;
        this.groupId = groupId;
        this.inputs = inputs;
        this.interval = interval;
        this.timeout = Duration.ofMillis(Math.max(5_000, interval.multipliedBy(5).toMillis()));
        this.clock = clock;
        this.tracker = new ReadProgressTracker(inputs, MAX_NOTED);
        this.rounds = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "read-progress");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts the rounds; the first runs at once. */
    public KafkaReadProgress start() {
        rounds.scheduleWithFixedDelay(this::roundQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public long readUpTo(TaskId task) {
        return ReadProgressTracker.readUpTo(inputs, published, task);
    }

    @Override
    public int tasks() {
        return Math.max(1, tasks);
    }

    /**
     * Asks the calling stream thread's own consumer how far each of the task's raw partitions is fetched (the lag
     * Kafka Streams' task idling asks for). Without that consumer (the {@code streams} group protocol), falls back to
     * {@link #readUpTo(TaskId) the committed progress}, which holds stream time back by a round or two.
     */
    @Override
    public long streamTimeBound(TaskId task, ToLongFunction<TopicPartition> highestTime) {
        if (!consumers.knowsCurrentThread()) {
            if (!warnedNoConsumer) {
                warnedNoConsumer = true;
                LOG.warn("thread {} has no main consumer known (group.protocol=streams?): windows close by stream time only"
                        + " as far as the broker says the input is read, a second or two later", Thread.currentThread().getName());
            }
            return readUpTo(task);
        }
        List<TopicPartition> partitions = rawPartitions.computeIfAbsent(task, this::rawPartitionsOf);
        if (partitions.isEmpty()) {
            // Not assigned to this thread's consumer (yet): nothing says what is unread.
            rawPartitions.remove(task);
            return ReadProgress.UNKNOWN;
        }
        return lowestUnfinished(partitions, consumers::fetchedLag, highestTime);
    }

    private List<TopicPartition> rawPartitionsOf(TaskId task) {
        Set<String> topics = inputs.sourcesBySubtopology().getOrDefault(task.subtopology(), Set.of());
        return consumers.assignment().stream()
                .filter(p -> p.partition() == task.partition() && topics.contains(p.topic()) && !inputs.isInternal(p.topic()))
                .toList();
    }

    /**
     * The lowest {@code highestTime} of the partitions not known to be fetched to their end (lag unknown or above
     * zero); {@link Long#MAX_VALUE} when every one is.
     */
    static long lowestUnfinished(List<TopicPartition> partitions, Function<TopicPartition, OptionalLong> fetchedLag,
                                 ToLongFunction<TopicPartition> highestTime) {
        long bound = Long.MAX_VALUE;
        for (TopicPartition partition : partitions) {
            OptionalLong lag = fetchedLag.apply(partition);
            if (lag.isEmpty() || lag.getAsLong() > 0) {
                bound = Math.min(bound, highestTime.applyAsLong(partition));
            }
        }
        return bound;
    }

    /** The oldest "read up to" time over all input partitions, {@link #UNKNOWN} when any is unknown. */
    public long oldestReadUpTo() {
        Map<TopicPartition, Long> now = published;
        return now.isEmpty() ? UNKNOWN : now.values().stream().mapToLong(Long::longValue).min().orElse(UNKNOWN);
    }

    private void roundQuietly() {
        try {
            round();
            if (failing) {
                LOG.info("input progress known again: windows close by the wall clock up to where the input is read");
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!failing) {
                LOG.warn("cannot tell how far the input is read ({}); quiet windows wait until the broker answers again",
                        e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                failing = true;
            }
        }
    }

    /** One round: committed offsets first, then end offsets (the tracker's order). */
    void round() throws ExecutionException, InterruptedException, TimeoutException {
        List<TopicPartition> partitions = partitions(clock.getAsLong());
        Map<TopicPartition, Long> consumed = committedOffsets();
        List<TopicPartition> uncommitted = partitions.stream().filter(p -> !consumed.containsKey(p)).toList();
        if (!uncommitted.isEmpty()) {
            // Nothing committed yet: the application starts at the log start (auto.offset.reset=earliest).
            consumed.putAll(offsets(uncommitted, OffsetSpec.earliest()));
        }
        tracker.onCommitted(consumed);
        long now = clock.getAsLong();
        tracker.onEndOffsets(now, offsets(partitions, OffsetSpec.latest()));
        published = tracker.readUpTo();
    }

    /**
     * Every partition of every input topic that exists; an internal topic not created yet is left out. Described
     * again while a topic is missing, and once a minute for partitions added meanwhile.
     */
    private List<TopicPartition> partitions(long now) throws InterruptedException, TimeoutException, ExecutionException {
        if (allTopicsFound && now - describedAt < DESCRIBE_EVERY.toMillis()) {
            return inputPartitions;
        }
        Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(inputs.allTopics(),
                new DescribeTopicsOptions().timeoutMs(timeoutMs())).topicNameValues();
        List<TopicPartition> found = new ArrayList<>();
        int mostPartitions = 0;
        boolean all = true;
        for (Map.Entry<String, KafkaFuture<TopicDescription>> entry : described.entrySet()) {
            TopicDescription description;
            try {
                description = entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    all = false;
                    continue;
                }
                throw e;
            }
            description.partitions().forEach(p -> found.add(new TopicPartition(entry.getKey(), p.partition())));
            if (!inputs.isInternal(entry.getKey())) {
                mostPartitions = Math.max(mostPartitions, description.partitions().size());
            }
        }
        inputPartitions = List.copyOf(found);
        describedAt = now;
        allTopicsFound = all;
        tasks = mostPartitions;
        return inputPartitions;
    }

    private Map<TopicPartition, Long> committedOffsets() throws InterruptedException, TimeoutException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId,
                        new ListConsumerGroupOffsetsOptions().timeoutMs(timeoutMs()))
                .partitionsToOffsetAndMetadata().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed.forEach((partition, offset) -> {
            if (offset != null) {
                offsets.put(partition, offset.offset());
            }
        });
        return offsets;
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, TimeoutException, ExecutionException {
        // read_committed: a repartition topic's open transaction is not there yet for its readers either.
        ListOffsetsResult result = admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> spec)),
                new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(timeoutMs()));
        return result.all().get(timeout.toMillis(), TimeUnit.MILLISECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Each call gives up when the round does: calls must not pile up in the admin client during an outage. */
    private int timeoutMs() {
        return (int) timeout.toMillis();
    }

    @Override
    public void close() {
        rounds.shutdownNow();
        try {
            rounds.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
