package dev.telemetry.alerts.forward;

import dev.telemetry.alerts.dispatch.Backoff;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.sentry.SentryNotifier;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.FeedbackEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.service.ops.ErrorReporter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards application errors ({@code telemetry.errors}) and user feedback
 * ({@code telemetry.feedback}) to a Sentry project, keeping the seed's {@code reportError} and
 * {@code captureUserFeedback} conventions. In order per partition; an offset is committed only
 * after Sentry accepted the record; a retryable failure waits with backoff and tries the same
 * record again; an unreadable or refused record is logged and skipped.
 */
public final class SentryForwarder implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(SentryForwarder.class);
    private static final Duration POLL = Duration.ofSeconds(1);

    private final Consumer<String, byte[]> consumer;
    private final List<String> topics;
    private final SentryNotifier sentry;
    private final Backoff backoff;
    private final boolean errors;
    private final boolean feedback;
    private final Deserializer<Envelope> reader = JsonSerde.envelope().deserializer();
    private final CompletableFuture<Void> stopping = new CompletableFuture<>();
    private volatile boolean running;
    private final ErrorReporter reporter;

    public SentryForwarder(Consumer<String, byte[]> consumer, List<String> topics, SentryNotifier sentry, Backoff backoff,
                           boolean errors, boolean feedback) {
        this(consumer, topics, sentry, backoff, errors, feedback, ErrorReporter.none());
    }

    /** As above, with an unexpected exception that stops forwarding also going to {@code reporter}. */
    public SentryForwarder(Consumer<String, byte[]> consumer, List<String> topics, SentryNotifier sentry, Backoff backoff,
                           boolean errors, boolean feedback, ErrorReporter reporter) {
        this.consumer = consumer;
        this.reporter = reporter;
        this.topics = List.copyOf(topics);
        this.sentry = sentry;
        this.backoff = backoff;
        this.errors = errors;
        this.feedback = feedback;
    }

    @Override
    public void run() {
        running = true;
        try {
            consumer.subscribe(topics);
            int failures = 0;
            while (!stopping.isDone()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                Optional<Duration> retry = Optional.empty();
                for (TopicPartition partition : records.partitions()) {
                    for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
                        DeliveryResult result = forward(record);
                        if (result instanceof DeliveryResult.Retryable retryable) {
                            failures++;
                            Duration wait = backoff.delay(failures, retryable.retryAfter());
                            LOG.warn("forwarding {}-{}@{} to Sentry failed (attempt {}), retrying in {} ms: {}", record.topic(),
                                    record.partition(), record.offset(), failures, wait.toMillis(), retryable.reason());
                            consumer.seek(partition, record.offset());
                            retry = Optional.of(wait);
                            break;
                        }
                        failures = 0;
                        done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    }
                }
                if (!done.isEmpty()) {
                    consumer.commitSync(done);
                }
                if (retry.isPresent()) {
                    try {
                        stopping.get(retry.get().toMillis(), TimeUnit.MILLISECONDS);
                    } catch (TimeoutException e) {
                        // the wait is over
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (ExecutionException e) {
                        return;
                    }
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("stopped forwarding to Sentry: {}", e.toString(), e);
            reporter.report(e, "sentry forwarder");
        } finally {
            running = false;
            try {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
            } catch (RuntimeException e) {
                LOG.warn("closing the forwarding consumer failed: {}", e.toString());
            }
        }
    }

    private DeliveryResult forward(ConsumerRecord<String, byte[]> record) {
        Envelope envelope;
        try {
            envelope = record.value() == null ? null : reader.deserialize(record.topic(), record.value());
        } catch (SerializationException | IllegalArgumentException e) {
            LOG.warn("not forwarding unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), e.getMessage());
            return DeliveryResult.delivered();
        }
        DeliveryResult result;
        if (envelope != null && errors && envelope.event() instanceof ErrorEvent error) {
            result = sentry.forwardError(envelope, error);
        } else if (envelope != null && feedback && envelope.event() instanceof FeedbackEvent userFeedback) {
            result = sentry.forwardFeedback(envelope, userFeedback);
        } else {
            return DeliveryResult.delivered();
        }
        if (result instanceof DeliveryResult.Permanent permanent) {
            LOG.error("Sentry refused {}-{}@{} for good, skipped: {}", record.topic(), record.partition(), record.offset(),
                    permanent.reason());
        }
        return result;
    }

    /** Ends the loop at once; safe from any thread. */
    public void stop() {
        stopping.complete(null);
        consumer.wakeup();
    }

    public boolean running() {
        return running;
    }
}
