package dev.telemetry.processor;

import dev.telemetry.service.ops.ErrorReporter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What to do when a stream thread dies. Bad records never get here (they go to the DLQ), so what does is almost
 * always the client's relation to the broker: after a broker restart or a long partition, committing the open
 * transaction can fail with {@code InvalidTxnStateException} or a fenced producer, which Kafka Streams treats as
 * fatal. Under exactly-once nothing of the failed transaction counted, so a new thread (new producer, state restored
 * from the changelogs) picks up from the last commit and loses nothing: the thread is replaced. A failure that keeps
 * coming back is not transient: after {@code maxReplacements} within {@code window} the client stops, {@code /health}
 * reports it and the orchestrator restarts the process. Every death is reported (Sentry, when configured): even a
 * replaced thread is an exception of ours that nobody would otherwise see outside the log.
 */
final class ThreadFailurePolicy implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadFailurePolicy.class);
    /** The {@code where} tag of a reported thread death. */
    static final String WHERE = "stream thread";

    private final int maxReplacements;
    private final long window;
    private final LongSupplier clock;
    private final Runnable onReplacement;
    private final ErrorReporter reporter;
    private final Deque<Long> replacements = new ArrayDeque<>();

    ThreadFailurePolicy(int maxReplacements, Duration window, LongSupplier clock, Runnable onReplacement) {
        this(maxReplacements, window, clock, onReplacement, ErrorReporter.none());
    }

    ThreadFailurePolicy(int maxReplacements, Duration window, LongSupplier clock, Runnable onReplacement,
                        ErrorReporter reporter) {
        this.maxReplacements = maxReplacements;
        this.window = window.toMillis();
        this.clock = clock;
        this.onReplacement = onReplacement;
        this.reporter = reporter;
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
        reporter.report(exception, WHERE);
        long now = clock.getAsLong();
        while (!replacements.isEmpty() && replacements.peekFirst() <= now - window) {
            replacements.pollFirst();
        }
        if (replacements.size() >= maxReplacements) {
            LOG.error("stream thread failed again ({} replacements in the last {} s); stopping the processor",
                    replacements.size(), window / 1000, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        onReplacement.run();
        LOG.warn("stream thread failed; replacing it (its open transaction is aborted, its tasks resume from the last "
                + "commit): {}", rootCause(exception), exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private static String rootCause(Throwable exception) {
        Throwable cause = exception;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
