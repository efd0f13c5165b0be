package dev.telemetry.alerts.nflog;

import dev.telemetry.alerts.kafka.CompactedView;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The journal on Kafka: the notification log in the compacted {@code telemetry.notification-log}
 * (read whole at start-up and tailed, so restarts and other instances see it), attempts on
 * {@code telemetry.notifications}, dead letters on {@code telemetry.alerts.dlq}. A write not yet
 * acknowledged fails the next {@link #flush()} and is sent again, so offsets are never committed past
 * an unwritten record and the sink recovers by itself when the broker is back. Group state and the
 * firing alerts go to the compacted {@code telemetry.group-state} the same way, read whole at start-up.
 */
public final class KafkaJournal implements Journal, AutoCloseable {

    private static final JsonCodec JSON = JsonCodec.standard();
    /**
     * How long a delivery is remembered (Alertmanager keeps its notification log 120 h): far longer
     * than any restart or replay, short enough that the compacted topic does not grow forever.
     */
    public static final java.time.Duration RETENTION = java.time.Duration.ofHours(120);

    /** How long one flush waits for the broker before the caller moves on and tries again later. */
    static final Duration FLUSH_WAIT = Duration.ofSeconds(5);

    private final KafkaProducer<String, byte[]> producer;
    private final JournalWriter writer;
    private final CompactedView<NotificationLogEntry> log;
    private final CompactedView<SinkState> state;
    private final String stateTopic;
    private final String logTopic;
    private final String attemptsTopic;
    private final String dlqTopic;

    private final java.time.Clock clock;

    private KafkaJournal(KafkaProducer<String, byte[]> producer, CompactedView<NotificationLogEntry> log,
                         CompactedView<SinkState> state, TopicCatalogue topics, java.time.Clock clock) {
        this.clock = clock;
        this.producer = producer;
        this.writer = new JournalWriter(producer, FLUSH_WAIT);
        this.log = log;
        this.state = state;
        this.stateTopic = topics.name(Topic.GROUP_STATE);
        this.logTopic = topics.name(Topic.NOTIFICATION_LOG);
        this.attemptsTopic = topics.name(Topic.NOTIFICATIONS);
        this.dlqTopic = topics.name(Topic.ALERTS_DLQ);
    }

    /** Starts reading the notification log; {@link #awaitReady} waits for its end. */
    public static KafkaJournal open(String bootstrapServers, TopicCatalogue topics, java.time.Clock clock) {
        CompactedView<NotificationLogEntry> log = new CompactedView<>(bootstrapServers, topics.name(Topic.NOTIFICATION_LOG),
                KafkaJournal::readEntry).start();
        CompactedView<SinkState> state = new CompactedView<>(bootstrapServers, topics.name(Topic.GROUP_STATE),
                KafkaJournal::readState).start();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // Bounded, so that with the broker away the dispatch loop is never blocked long and a write the
        // producer gives up on comes back to the JournalWriter, which sends it again.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        return new KafkaJournal(new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer()), log, state, topics,
                clock);
    }

    private static NotificationLogEntry readEntry(byte[] bytes) {
        try {
            return JSON.read(bytes, NotificationLogEntry.class);
        } catch (InvalidJsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static SinkState readState(byte[] bytes) {
        try {
            return JSON.read(bytes, SinkState.class);
        } catch (InvalidJsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public boolean awaitReady(java.util.function.BooleanSupplier giveUp) {
        if (!log.awaitCaughtUp(giveUp) || !state.awaitCaughtUp(giveUp)) {
            return false;
        }
        prune();
        return true;
    }

    /** Tombstones entries older than {@link #RETENTION}, so that compaction removes them. */
    private void prune() {
        java.time.Instant cutoff = clock.instant().minus(RETENTION);
        for (NotificationLogEntry entry : log.values()) {
            if (entry.deliveredAt() != null && entry.deliveredAt().isBefore(cutoff)) {
                log.removeLocal(entry.key());
                writer.send(new ProducerRecord<>(logTopic, entry.key(), null));
            }
        }
    }

    @Override
    public boolean ready() {
        return log.caughtUp() && state.caughtUp();
    }

    @Override
    public boolean delivered(String receiver, String idempotencyKey) {
        return log.get(NotificationLogEntry.key(receiver, idempotencyKey)) != null;
    }

    @Override
    public void delivered(NotificationLogEntry entry) {
        log.putLocal(entry.key(), entry);
        writer.send(new ProducerRecord<>(logTopic, entry.key(), JSON.write(entry)));
    }

    @Override
    public void attempted(AttemptRecord attempt) {
        writer.send(new ProducerRecord<>(attemptsTopic, attempt.receiver(), JSON.write(attempt)));
    }

    @Override
    public void deadLettered(DeadLetter letter) {
        String key = letter.alert() != null ? letter.alert().fingerprint() : letter.source();
        writer.send(new ProducerRecord<>(dlqTopic, key, JSON.write(letter)));
    }

    @Override
    public void group(String key, GroupSlice slice) {
        writeState(key, slice == null ? null : SinkState.of(slice));
    }

    @Override
    public java.util.Collection<GroupSlice> groups() {
        return state.values().stream().map(SinkState::group).filter(java.util.Objects::nonNull).toList();
    }

    @Override
    public void firing(String fingerprint, dev.telemetry.events.derived.AlertEvent alert) {
        writeState(SinkState.firingKey(fingerprint), alert == null ? null : SinkState.of(alert));
    }

    /** Sets (or with null tombstones) a state record, locally at once and on the topic through the writer. */
    private void writeState(String key, SinkState value) {
        if (value == null) {
            state.removeLocal(key);
        } else {
            state.putLocal(key, value);
        }
        writer.send(new ProducerRecord<>(stateTopic, key, value == null ? null : JSON.write(value)));
    }

    @Override
    public java.util.Collection<dev.telemetry.events.derived.AlertEvent> firing() {
        return state.values().stream().map(SinkState::firing).filter(java.util.Objects::nonNull).toList();
    }

    /** Throws {@link JournalUnavailableException} while the broker has not acknowledged every record; nothing is dropped. */
    @Override
    public void flush() {
        writer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        log.close();
        state.close();
    }
}
