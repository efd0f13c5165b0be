package dev.telemetry.gateway.kafka;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.gateway.config.GatewayConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The gateway's only contact with Kafka: publishes envelopes to their raw topics with an
 * idempotent {@code acks=all} producer and completes when the broker acknowledged all of them.
 * It knows topics and messages, nothing about HTTP.
 */
public final class EventPublisher implements AutoCloseable {

    /** Why a publish was not acknowledged; a label of {@code ingest_publish_failures_total}. */
    public enum Reason {
        /** The producer's buffer stayed full for {@code max.block.ms}: Kafka is not keeping up with the gateway. */
        BUFFER_FULL("buffer_full"),
        /** No metadata within {@code max.block.ms}, or no acknowledgement within {@code delivery.timeout.ms}: broker away or slow. */
        TIMEOUT("timeout"),
        /** The broker answered with an error (not enough replicas, authorization, ...). */
        BROKER_ERROR("broker_error");

        private final String label;

        Reason(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** The reason behind {@code failure}, looking through wrappers such as {@link PublishFailedException}. */
        public static Reason of(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                // BufferExhaustedException is a TimeoutException: test it first.
                if (t instanceof BufferExhaustedException) {
                    return BUFFER_FULL;
                }
                if (t instanceof TimeoutException) {
                    return TIMEOUT;
                }
            }
            return BROKER_ERROR;
        }
    }

    /** The publish could not be acknowledged: the broker is unreachable, slow, or the buffer is full. */
    public static final class PublishFailedException extends RuntimeException {
        public PublishFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Producer<String, byte[]> producer;
    private final TopicCatalogue topics;
    private final JsonCodec codec;
    private final AtomicReference<Instant> lastFailure = new AtomicReference<>();
    private final AtomicReference<Instant> lastSuccess = new AtomicReference<>();

    public EventPublisher(Producer<String, byte[]> producer, TopicCatalogue topics, JsonCodec codec) {
        this.producer = producer;
        this.topics = topics;
        this.codec = codec;
    }

    public static Properties producerProperties(GatewayConfig.Kafka kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ingest-gateway");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) kafka.maxBlock().toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) kafka.requestTimeout().toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) kafka.deliveryTimeout().toMillis());
        p.put(ProducerConfig.LINGER_MS_CONFIG, (int) kafka.linger().toMillis());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, kafka.batchSizeBytes());
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, kafka.bufferMemoryBytes());
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, kafka.compression());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    public static EventPublisher create(GatewayConfig config) {
        return new EventPublisher(new KafkaProducer<>(producerProperties(config.kafka())), config.topicCatalogue(), JsonCodec.standard());
    }

    /**
     * Sends every envelope and completes when all were acknowledged, or exceptionally with
     * {@link PublishFailedException} as soon as one failed. When {@code send()} fails at once (no
     * metadata or no buffer space within {@code max.block.ms}) the rest of the request is not sent:
     * the answer is already 503, and blocking once per event would hold a 1 000-event request for
     * 1 000 × {@code max.block.ms}. The future completes within {@code max.block.ms} plus
     * {@code delivery.timeout.ms}.
     */
    public CompletableFuture<Void> publish(List<Envelope> envelopes) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        // One counter per request instead of one future per event: this runs for every event ingested.
        AtomicInteger pending = new AtomicInteger(envelopes.size());
        for (Envelope envelope : envelopes) {
            if (done.isDone()) {
                // An earlier send failed. Kafka 4 reports a timeout inside send() (no metadata, no buffer space)
                // through the callback, before send() returns, rather than by throwing: stop here all the same.
                break;
            }
            // Outside the try: an envelope we cannot write is our bug (500, reported), not Kafka being away (503).
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                    topics.name(envelope.type().topic()), envelope.key(), codec.writeEnvelope(envelope));
            try {
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        fail(done, error);
                    } else if (pending.decrementAndGet() == 0) {
                        lastSuccess.set(Instant.now());
                        done.complete(null);
                    }
                });
            } catch (KafkaException e) {
                // The Kafka errors send() still throws rather than reports through the callback (serialization, interrupts).
                fail(done, e);
                break;
            }
        }
        return done;
    }

    private void fail(CompletableFuture<Void> done, Throwable cause) {
        if (!done.isDone()) {
            lastFailure.set(Instant.now());
            done.completeExceptionally(new PublishFailedException("Kafka did not acknowledge the events: " + cause.getMessage(), cause));
        }
    }

    /** Healthy unless the most recent publish outcome was a failure within {@code window}. */
    public boolean healthy(Duration window) {
        Instant failure = lastFailure.get();
        if (failure == null || failure.isBefore(Instant.now().minus(window))) {
            return true;
        }
        Instant success = lastSuccess.get();
        return success != null && success.isAfter(failure);
    }

    public Producer<String, byte[]> producer() {
        return producer;
    }

    /** Flushes what is buffered, so nothing acknowledged-to-be is lost on shutdown. */
    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(10));
    }
}
