package dev.telemetry.rulelab.backtest;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.rulelab.unit.TestTimes;
import dev.telemetry.service.kafka.TimeSeek;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * partition is paused while it is far ahead of the others, so memory stays bounded. The consumer and the merge run
 * on a thread of their own, a few batches ahead of the sink, which is called on the caller's thread.
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
        TimeSeek.Range range;
        try {
            range = TimeSeek.of(consumer, partitions, from, timeout);
        } catch (TimeoutException e) {
            throw new Unreachable("no answer from the broker within " + TestTimes.format(timeout), e);
        }
        // In the order of RAW_TOPICS, then partition: records appended in the same millisecond on two partitions are
        // handed on in this order.
        List<Slot> slots = new ArrayList<>();
        for (TopicPartition p : partitions) {
            if (range.hasRecords(p)) {
                consumer.seek(p, range.starts().get(p));
                slots.add(new Slot(p, topicsByName.get(p.topic()), range.ends().get(p)));
            }
        }
        slots.sort(java.util.Comparator.<Slot>comparingInt(slot -> RAW_TOPICS.indexOf(slot.topic))
                .thenComparingInt(slot -> slot.partition.partition()));
        consumer.assign(slots.stream().map(slot -> slot.partition).toList());
        // The consumer's work (fetching, decompressing, iterating records) and the merge run on a thread of their
        // own, a batch ahead of the sink: a backtest's replay has the other core to itself.
        Pipeline pipeline = new Pipeline();
        Thread fetcher = new Thread(() -> pipeline.run(() -> merge(slots, to, appPrefix, pipeline)),
                "telemetry-backtest-reader");
        fetcher.setDaemon(true);
        fetcher.start();
        boolean done = false;
        try {
            while (true) {
                Batch batch;
                try {
                    batch = pipeline.take();
                } catch (InterruptedException e) {
                    // As the consumer's poll reports an interrupt.
                    throw new org.apache.kafka.common.errors.InterruptException(e);
                }
                if (batch == Batch.END) {
                    break;
                }
                for (int i = 0; i < batch.size; i++) {
                    sink.accept(batch.topics[i], batch.keys[i], batch.values[i], Instant.ofEpochMilli(batch.times[i]));
                }
            }
            done = true;
        } finally {
            if (!done) {
                pipeline.stop();
                consumer.wakeup();
            }
            joinUninterruptibly(fetcher);
        }
        pipeline.rethrowFailure();
        return new Stats(pipeline.records, pipeline.delivered, 0, pipeline.skippedApp);
    }

    /** A partition being read: its records buffered, in offset order, and the end offset to read to. */
    private static final class Slot {
        final TopicPartition partition;
        final Topic topic;
        final long end;
        final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();

        Slot(TopicPartition partition, Topic topic, long end) {
            this.partition = partition;
            this.topic = topic;
            this.end = end;
        }
    }

    /**
     * Polls and merges on the reader's thread, handing records on in batches, in append-time order. Per record it
     * looks at an array of the partitions still being read (a handful), not at sets and maps (half the reader's
     * samples in short runs).
     */
    private void merge(List<Slot> slots, Instant to, byte[] appPrefix, Pipeline pipeline) throws InterruptedException {
        Map<TopicPartition, Slot> slotOf = new HashMap<>();
        slots.forEach(slot -> slotOf.put(slot.partition, slot));
        Slot[] active = slots.toArray(new Slot[0]);
        int activeCount = active.length;
        // Partitions read to their end or to the range's: paused, so that the consumer stops fetching them.
        List<TopicPartition> finished = new ArrayList<>();
        long until = to.toEpochMilli();
        Batch batch = new Batch();
        while (activeCount > 0) {
            // Poll until every active partition has a record buffered or is read to its end.
            boolean ready = false;
            while (!ready) {
                List<TopicPartition> full = new ArrayList<>(finished);
                List<TopicPartition> room = new ArrayList<>();
                for (int i = 0; i < activeCount; i++) {
                    (active[i].buffer.size() >= MAX_BUFFERED_PER_PARTITION ? full : room).add(active[i].partition);
                }
                consumer.pause(full);
                consumer.resume(room);
                var polled = consumer.poll(Duration.ofMillis(200));
                for (TopicPartition p : polled.partitions()) {
                    Slot slot = slotOf.get(p);
                    if (slot != null) {
                        slot.buffer.addAll(polled.records(p));
                    }
                }
                ready = true;
                for (int i = 0; i < activeCount; i++) {
                    Slot slot = active[i];
                    if (slot.buffer.isEmpty()) {
                        if (consumer.position(slot.partition, timeout) >= slot.end) {
                            activeCount = remove(active, activeCount, i--);
                            slotOf.remove(slot.partition);
                            finished.add(slot.partition);
                        } else {
                            ready = false;
                        }
                    }
                }
            }
            // Hand on records in timestamp order while every active partition has one buffered.
            while (activeCount > 0) {
                int next = -1;
                long earliest = Long.MAX_VALUE;
                for (int i = 0; i < activeCount; i++) {
                    ConsumerRecord<byte[], byte[]> head = active[i].buffer.peek();
                    if (head == null) {
                        next = -1;
                        break;
                    }
                    if (head.timestamp() < earliest) {
                        earliest = head.timestamp();
                        next = i;
                    }
                }
                if (next < 0) {
                    break;
                }
                Slot slot = active[next];
                ConsumerRecord<byte[], byte[]> r = slot.buffer.poll();
                if (r.timestamp() >= until) {
                    // This partition has reached the end of the range.
                    slot.buffer.clear();
                    activeCount = remove(active, activeCount, next);
                    slotOf.remove(slot.partition);
                    finished.add(slot.partition);
                    continue;
                }
                if (r.offset() + 1 >= slot.end && slot.buffer.isEmpty()) {
                    activeCount = remove(active, activeCount, next);
                    slotOf.remove(slot.partition);
                    finished.add(slot.partition);
                }
                pipeline.records++;
                if (appPrefix != null && !startsWith(r.key(), appPrefix)) {
                    pipeline.skippedApp++;
                    continue;
                }
                batch.add(slot.topic, r.key(), r.value(), r.timestamp());
                pipeline.delivered++;
                if (batch.size == Batch.CAPACITY) {
                    pipeline.put(batch);
                    batch = new Batch();
                }
            }
        }
        if (batch.size > 0) {
            pipeline.put(batch);
        }
    }

    /** {@code active[i]} removed, keeping the others' order; the new count. */
    private static int remove(Slot[] active, int count, int i) {
        System.arraycopy(active, i + 1, active, i, count - i - 1);
        active[count - 1] = null;
        return count - 1;
    }

    /** Waits for {@code thread} to end, even when interrupted meanwhile (the interrupt is kept for the caller). */
    static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records of one hand-over, in order. */
    private static final class Batch {
        static final int CAPACITY = 1_024;
        /** After the last batch. */
        static final Batch END = new Batch();

        final Topic[] topics = new Topic[CAPACITY];
        final byte[][] keys = new byte[CAPACITY][];
        final byte[][] values = new byte[CAPACITY][];
        final long[] times = new long[CAPACITY];
        int size;

        void add(Topic topic, byte[] key, byte[] value, long time) {
            topics[size] = topic;
            keys[size] = key;
            values[size] = value;
            times[size] = time;
            size++;
        }
    }

    /**
     * The hand-over from the reader's thread to the sink's: a few batches at most (back-pressure, bounded memory),
     * then {@link Batch#END}; what the reader threw is rethrown on the sink's thread. Counts are written by the
     * reader's thread and read after it ended.
     */
    private static final class Pipeline {
        private static final int BATCHES_AHEAD = 4;

        private final BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(BATCHES_AHEAD);
        private volatile boolean stopped;
        private volatile Throwable failure;
        long records;
        long delivered;
        long skippedApp;

        interface Work {
            void run() throws InterruptedException;
        }

        void run(Work work) {
            try {
                work.run();
            } catch (Throwable t) {
                if (!stopped) {
                    failure = t;
                }
            } finally {
                try {
                    put(Batch.END);
                } catch (InterruptedException e) {
                    // Stopped: nobody takes it.
                }
            }
        }

        /** Waits for room, unless the sink's side stopped taking. */
        void put(Batch batch) throws InterruptedException {
            while (!stopped) {
                if (queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
            if (batch != Batch.END) {
                throw new InterruptedException("stopped");
            }
        }

        Batch take() throws InterruptedException {
            return queue.take();
        }

        void stop() {
            stopped = true;
        }

        /** What the reader's thread threw, as reading on the sink's thread would have thrown it. */
        void rethrowFailure() {
            Throwable t = failure;
            if (t == null) {
                return;
            }
            if (t instanceof RuntimeException e) {
                throw e;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException("reading history failed", t);
        }
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
