package dev.telemetry.console.kafka;

import dev.telemetry.service.kafka.TimeSeek;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the console's topics into the views, each topic through its {@link Handler}. No consumer group: the partitions are assigned by
 * hand and nothing is committed, so the console keeps no state of its own and any number of replicas can
 * run. Each partition is first read from the offset of {@code now - retention} (seek by timestamp), so the
 * views are rebuilt from the topics at every start. Partitions that appear later (a topic created after
 * the start) are picked up every {@code metadataRefresh}.
 *
 * <p><b>Caught up</b> means: the last look at the topics' metadata succeeded, and every partition assigned so far
 * has been read up to the end offset it had when it was assigned. A topic that does not exist yet holds nothing
 * to catch up on, so a fresh stack (or a console started before anything was written) turns caught up as soon as
 * the broker answers; a partition that appears later makes it false until that partition is read.
 *
 * <p>The loop survives the broker: a console started before it, or a broker that goes away, only sets
 * {@link #lastError()} until the broker answers again. Reachability itself is not judged here (see the
 * {@code kafka} check of {@code /health}).
 *
 * <p>One thread owns the consumer; {@link #close()} wakes it and waits for it.
 */
public final class ReadModelConsumer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReadModelConsumer.class);

    private final KafkaConsumer<String, byte[]> consumer;
    /** Decodes one record's value into a view; throws when it cannot be read. */
    @FunctionalInterface
    public interface Handler {
        void apply(byte[] value) throws Exception;
    }

    private final Map<String, Handler> handlers;
    private final Map<String, Counter> read = new HashMap<>();
    private final Runnable prune;
    private final Duration retention;
    private final Duration pollTimeout;
    private final Duration metadataRefresh;
    private final Clock clock;
    private final Counter unreadable;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Instant> lastPoll = new AtomicReference<>();
    /** End offsets when each partition was assigned: the views are "caught up" once every one is reached. */
    private final Map<TopicPartition, Long> startEnds = new HashMap<>();
    private volatile boolean caughtUp;
    /** Whether a look at the topics' metadata has succeeded yet: before it, nothing is known to be caught up. */
    private volatile boolean metadataSeen;
    private volatile String lastError;

    /**
     * @param handlers by topic name, in the order the topics are looked up
     * @param prune    called every {@code metadataRefresh} to drop what fell out of the views' retention
     */
    public ReadModelConsumer(String bootstrapServers, Map<String, Handler> handlers, Runnable prune, Duration retention, Duration pollTimeout, Duration metadataRefresh,
                             Clock clock, MeterRegistry registry) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // A read model never creates a topic by asking for it (a broker with auto-creation on would).
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "console-" + ProcessHandle.current().pid());
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.handlers = new java.util.LinkedHashMap<>(handlers);
        this.prune = prune;
        this.retention = retention;
        this.pollTimeout = pollTimeout;
        this.metadataRefresh = metadataRefresh;
        this.clock = clock;
        for (String topic : this.handlers.keySet()) {
            read.put(topic, Counter.builder("console.records").description("Records read into the views, by topic")
                    .tag("topic", topic).register(registry));
        }
        this.unreadable = Counter.builder("console.records.unreadable")
                .description("Records skipped because they could not be decoded").register(registry);
        this.thread = new Thread(this::run, "console-read-model");
        this.thread.setDaemon(true);
    }

    public ReadModelConsumer start() {
        thread.start();
        return this;
    }

    /**
     * Whether the views hold everything that was on the topics when their partitions were assigned (topics that
     * do not exist yet count as empty; see the class comment).
     */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Whether the consumer thread polled within the last {@code within}. */
    public boolean polling(Duration within) {
        Instant last = lastPoll.get();
        return thread.isAlive() && last != null && !last.isBefore(clock.instant().minus(within));
    }

    public String lastError() {
        return lastError;
    }

    private void run() {
        Instant nextRefresh = Instant.MIN;
        try {
            while (running.get()) {
                try {
                    Instant now = clock.instant();
                    if (!now.isBefore(nextRefresh)) {
                        nextRefresh = now.plus(metadataRefresh);
                        refresh();
                    }
                    if (consumer.assignment().isEmpty()) {
                        lastPoll.set(clock.instant());
                        sleep(pollTimeout);
                        continue;
                    }
                    ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                    lastPoll.set(clock.instant());
                    for (ConsumerRecord<String, byte[]> record : records) {
                        apply(record);
                    }
                    if (!caughtUp) {
                        checkCaughtUp();
                    }
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // E.g. a position or offset lookup timing out while the broker is away: note it and go on;
                    // the next round asks again. Pausing one poll-timeout keeps a persistent failure from spinning.
                    lastError = e.toString();
                    LOG.warn("read model: {} (retrying)", e.toString());
                    lastPoll.set(clock.instant());
                    sleep(pollTimeout);
                }
            }
        } catch (WakeupException e) {
            if (running.get()) {
                LOG.error("read model consumer woken up unexpectedly", e);
            }
        } catch (RuntimeException | Error e) {
            lastError = e.toString();
            LOG.error("read model consumer stopped", e);
        } finally {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Picks up new partitions, then prunes the views. A broker that does not answer leaves {@link #lastError()}. */
    private void refresh() {
        try {
            assignNewPartitions();
            metadataSeen = true;
            lastError = null;
            if (!caughtUp) {
                checkCaughtUp();
            }
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.warn("cannot read the partitions of {}: {}", handlers.keySet(), e.toString());
        }
        prune.run();
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        Handler handler = handlers.get(record.topic());
        if (handler == null) {
            return;
        }
        try {
            handler.apply(record.value());
            read.get(record.topic()).increment();
        } catch (Exception e) {
            unreadable.increment();
            LOG.debug("skipped unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.toString());
        }
    }

    private void assignNewPartitions() {
        Set<TopicPartition> assigned = new HashSet<>(consumer.assignment());
        List<TopicPartition> fresh = new ArrayList<>();
        for (String topic : handlers.keySet()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            if (partitions == null) {
                continue;
            }
            for (PartitionInfo p : partitions) {
                TopicPartition tp = new TopicPartition(p.topic(), p.partition());
                if (!assigned.contains(tp)) {
                    fresh.add(tp);
                }
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        assigned.addAll(fresh);
        consumer.assign(assigned);
        Instant from = clock.instant().minus(retention);
        // A partition with no record within the retention yet starts at its end.
        TimeSeek.Range range = TimeSeek.seek(consumer, fresh, from, Duration.ofSeconds(10));
        startEnds.putAll(range.ends());
        caughtUp = false;
        LOG.info("reading {} from {} (retention {}): {} records to catch up on", fresh, from, retention, range.toRead());
    }

    private void checkCaughtUp() {
        if (!metadataSeen) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> e : startEnds.entrySet()) {
            if (consumer.position(e.getKey(), Duration.ofSeconds(5)) < e.getValue()) {
                return;
            }
        }
        caughtUp = true;
        LOG.info("views caught up on {} ({} partitions; topics not created yet count as empty)", handlers.keySet(),
                startEnds.size());
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.set(false);
        }
    }

    @Override
    public void close() {
        if (!running.compareAndSet(true, false)) {
            return;
        }
        // Wakes a poll; a sleep between looks for topics ends within one poll-timeout. No interrupt: it would
        // break the consumer's own close.
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
