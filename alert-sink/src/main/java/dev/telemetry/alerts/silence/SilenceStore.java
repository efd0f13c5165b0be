package dev.telemetry.alerts.silence;

import dev.telemetry.alerts.kafka.CompactedView;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The silences of every sink instance, kept in the compacted {@code telemetry.silences} topic: a
 * write is acknowledged only once the broker has it, and every instance reads the whole topic, so
 * a silence created on one instance mutes on all and survives restarts.
 */
public final class SilenceStore implements AutoCloseable {

    private static final JsonCodec JSON = JsonCodec.standard();
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);

    private final String topic;
    private final CompactedView<Silence> view;
    private final KafkaProducer<String, byte[]> producer;
    private final Clock clock;

    public SilenceStore(String bootstrapServers, String topic, Clock clock) {
        this.topic = topic;
        this.clock = clock;
        this.view = new CompactedView<>(bootstrapServers, topic, SilenceStore::read).start();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(WRITE_TIMEOUT.toMillis()));
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static Silence read(byte[] bytes) {
        try {
            return JSON.read(bytes, Silence.class);
        } catch (InvalidJsonException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Stores a new silence and returns it with its id. */
    public Silence create(List<Matcher> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {
        Silence silence = new Silence(UUID.randomUUID().toString(), matchers, startsAt, endsAt, createdBy, comment, clock.instant());
        write(silence);
        return silence;
    }

    /** Ends the silence now; empty when there is no such silence. */
    public Optional<Silence> expire(String id) {
        Silence silence = view.get(id);
        if (silence == null) {
            return Optional.empty();
        }
        Silence expired = silence.expired(clock.instant());
        write(expired);
        return Optional.of(expired);
    }

    public Optional<Silence> get(String id) {
        return Optional.ofNullable(view.get(id));
    }

    /** Every silence, newest first. */
    public List<Silence> list() {
        return view.values().stream().sorted(Comparator.comparing(Silence::updatedAt).reversed()).toList();
    }

    /** Waits until every silence stored before start-up is known, or {@code giveUp} says to stop waiting. */
    public boolean awaitReady(java.util.function.BooleanSupplier giveUp) {
        return view.awaitCaughtUp(giveUp);
    }

    public boolean ready() {
        return view.caughtUp();
    }

    private void write(Silence silence) {
        try {
            producer.send(new ProducerRecord<>(topic, silence.id(), JSON.write(silence))).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing the silence");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the silence could not be stored: " + e.getMessage());
        }
        view.putLocal(silence.id(), silence);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        view.close();
    }
}
