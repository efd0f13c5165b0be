package dev.telemetry.auditor;

import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AuditRecord;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.kafka.TimeSeek;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads both sides of the audit with one plain {@code read_committed} consumer that joins no group and commits
 * nothing: {@code telemetry.audit} from {@code from} to its end, then each raw partition from {@code from} less
 * {@link #RAW_LOOKBACK} to its end (records past the processor's progress are in flight: their windows pending).
 */
public final class AuditReader {

    /**
     * How much earlier than {@code from} the raw topics are read: an event's window follows its (clamped) client
     * time, which may be ahead of when it reached Kafka, so a window's records can sit a little before it.
     */
    static final Duration RAW_LOOKBACK = Duration.ofHours(1);

    /** Kafka did not answer, or a topic is missing. */
    public static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String bootstrap;
    private final TopicCatalogue topics;
    private final Duration timeout;
    private final JsonCodec codec = JsonCodec.standard();

    public AuditReader(String bootstrap, TopicCatalogue topics, Duration timeout) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.timeout = timeout;
    }

    /** Both sides from {@code from} on, into a new reconciler. */
    public Reconciler read(Instant from) throws Unreachable {
        Reconciler reconciler = new Reconciler();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties())) {
            Map<TopicPartition, Long> auditEnds = new HashMap<>();
            Map<TopicPartition, Long> auditStarts = startsAt(consumer, topics.name(Topic.AUDIT), from, auditEnds);
            readAll(consumer, auditStarts, auditEnds, record -> {
                try {
                    reconciler.audit(codec.read(record.value(), AuditRecord.class));
                } catch (InvalidJsonException e) {
                    throw new IllegalStateException("a record on " + record.topic() + " at offset " + record.offset()
                            + " is not an audit record: " + e.getMessage(), e);
                }
            });
            if (reconciler.windowSize() <= 0) {
                return reconciler; // nothing accounted in the range: nothing to count against
            }
            Map<TopicPartition, Long> rawStarts = new HashMap<>();
            Map<TopicPartition, Long> rawEnds = new HashMap<>();
            for (Topic topic : Topic.values()) {
                if (topic.kind() != Topic.Kind.RAW) {
                    continue;
                }
                Map<TopicPartition, Long> ends = new HashMap<>();
                Map<TopicPartition, Long> starts = startsAt(consumer, topics.name(topic), from.minus(RAW_LOOKBACK), ends);
                rawStarts.putAll(starts);
                rawEnds.putAll(ends);
            }
            readAll(consumer, rawStarts, rawEnds,
                    r -> reconciler.raw(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.timestamp()));
            rawEnds.forEach((tp, end) -> reconciler.rawReadTo(tp.topic(), tp.partition(), end));
            return reconciler;
        } catch (KafkaException e) {
            throw new Unreachable("cannot read from Kafka at " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    /** Each partition's first offset at or after {@code from} (its end when there is none); fills {@code ends}. */
    private Map<TopicPartition, Long> startsAt(KafkaConsumer<byte[], byte[]> consumer, String topic, Instant from,
                                               Map<TopicPartition, Long> ends) throws Unreachable {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(topic, timeout);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new Unreachable("Kafka at " + bootstrap + " did not answer within " + timeout.toSeconds() + " s", e);
        }
        if (infos == null || infos.isEmpty()) {
            throw new Unreachable("topic " + topic + " does not exist on " + bootstrap, null);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : infos) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        TimeSeek.Range range = TimeSeek.of(consumer, partitions, from, timeout);
        ends.putAll(range.ends());
        return new HashMap<>(range.starts());
    }

    /** Reads each partition from its start up to (not including) its end offset. */
    private void readAll(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> starts,
                         Map<TopicPartition, Long> ends, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink)
            throws Unreachable {
        List<TopicPartition> open = new ArrayList<>();
        starts.forEach((tp, start) -> {
            if (start < ends.get(tp)) {
                open.add(tp);
            }
        });
        if (open.isEmpty()) {
            return;
        }
        consumer.assign(open);
        open.forEach(tp -> consumer.seek(tp, starts.get(tp)));
        long quietSince = System.nanoTime();
        while (!open.isEmpty()) {
            var records = consumer.poll(Duration.ofMillis(500));
            if (!records.isEmpty()) {
                quietSince = System.nanoTime();
            }
            for (ConsumerRecord<byte[], byte[]> record : records) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < ends.get(tp)) {
                    sink.accept(record);
                }
            }
            // Done with a partition once its position passed the end (transaction markers take offsets too).
            List<TopicPartition> done = new ArrayList<>();
            for (TopicPartition tp : open) {
                if (consumer.position(tp, timeout) >= ends.get(tp)) {
                    done.add(tp);
                }
            }
            if (!done.isEmpty()) {
                open.removeAll(done);
                consumer.pause(done);
            }
            if (System.nanoTime() - quietSince > timeout.toNanos()) {
                throw new Unreachable("Kafka at " + bootstrap + " stopped answering: nothing read for "
                        + timeout.toSeconds() + " s with " + open + " still to read", null);
            }
        }
        consumer.unsubscribe();
    }

    private Properties properties() {
        Properties props = consumerProperties(bootstrap, "telemetry-audit");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        return props;
    }

    /**
     * The auditor's consumer, one-off or live: {@code read_committed} (what the processor committed, as the
     * processor itself reads), no group and no commits (it never disturbs anyone's offsets), bytes as they are.
     */
    public static Properties consumerProperties(String bootstrap, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }
}
