package dev.telemetry.gateway.http;

import dev.telemetry.gateway.ingest.ApiException;
import dev.telemetry.gateway.ingest.BodyReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads request bodies without holding a thread while the client sends them: Servlet non-blocking reads (a
 * {@link ReadListener}), so a thread works only when bytes have arrived, and a client that sends one byte every
 * few seconds costs a connection, not one of the server's threads (issue 12, item 8: blocking reads let a
 * thousand such clients take every thread).
 *
 * <p>Every body under way is watched by {@link #sweep()}: one not complete within {@code timeout}, or, once the
 * first {@link #RATE_GRACE} is over, arriving slower on average than {@code minBytesPerSecond}, is answered
 * {@code 408} (with {@code Connection: close}; the rest of the body is never read) and counted in
 * {@code ingest_connections_cut_total{reason="body_timeout"|"body_too_slow"}}. The grace keeps a pause in the
 * first seconds (a phone changing cells, a GC pause of ours) from cutting an honest client; a body that arrives
 * whole in one go is never measured at all.
 */
public final class AsyncBodyReader {

    private static final Logger LOG = LoggerFactory.getLogger(AsyncBodyReader.class);
    /** How long a body may arrive before its average rate is held against the minimum. */
    public static final Duration RATE_GRACE = Duration.ofSeconds(5);
    private static final int BUFFER = 8192;

    private final long timeoutNanos;
    private final long minBytesPerSecond;
    private final long graceNanos;
    private final Executor completer;
    private final LongSupplier nanoClock;
    private final Set<Read> reading = ConcurrentHashMap.newKeySet();
    private final Counter timedOut;
    private final Counter tooSlow;

    /**
     * @param minBytesPerSecond 0 for no minimum rate
     * @param completer where a cut-off body's 408 is answered: not the sweeping thread, which must not wait on a client
     */
    public AsyncBodyReader(Duration timeout, long minBytesPerSecond, MeterRegistry registry, Executor completer, LongSupplier nanoClock) {
        this.timeoutNanos = timeout.toNanos();
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = Math.min(RATE_GRACE.toNanos(), timeoutNanos);
        this.completer = completer;
        this.nanoClock = nanoClock;
        this.timedOut = ConnectionGuard.cutCounter(registry, "body_timeout");
        this.tooSlow = ConnectionGuard.cutCounter(registry, "body_too_slow");
    }

    /**
     * Starts reading {@code request}'s body into {@code sink}; the request must be in async mode (Javalin's
     * {@code ctx.future}). The future completes with the body, or with the {@link ApiException} it earned: 413,
     * 400, or 408 when the client was too slow.
     */
    public CompletableFuture<byte[]> read(HttpServletRequest request, BodyReader.Sink sink) throws IOException {
        Read read = new Read(request.getInputStream(), sink, nanoClock.getAsLong());
        reading.add(read);
        read.future.whenComplete((body, error) -> reading.remove(read));
        read.in.setReadListener(read);
        return read.future;
    }

    /** Answers 408 to the bodies that are overdue or too slow. */
    public void sweep() {
        long now = nanoClock.getAsLong();
        for (Read read : reading) {
            long elapsed = now - read.startedNanos;
            String reason = null;
            if (elapsed > timeoutNanos) {
                timedOut.increment();
                reason = "the body was not complete within " + timeoutNanos / 1_000_000 + " ms";
            } else if (minBytesPerSecond > 0 && elapsed > graceNanos && read.seen < minBytesPerSecond * (elapsed / 1e9)) {
                tooSlow.increment();
                reason = "the body arrived at " + Math.round(read.seen * 1e9 / elapsed) + " bytes/s; the minimum is "
                        + minBytesPerSecond;
            }
            if (reason != null && reading.remove(read)) {
                ApiException timeout = ApiException.requestTimeout(reason);
                LOG.debug("answering 408: {}", reason);
                completer.execute(() -> read.future.completeExceptionally(timeout));
            }
        }
    }

    /** Bodies being read now. */
    public int reading() {
        return reading.size();
    }

    /** One body. The container calls the listener methods one at a time; {@code seen} is published for the sweeper. */
    private static final class Read implements ReadListener {

        final ServletInputStream in;
        final BodyReader.Sink sink;
        final long startedNanos;
        final CompletableFuture<byte[]> future = new CompletableFuture<>();
        volatile long seen;
        private byte[] buffer;

        Read(ServletInputStream in, BodyReader.Sink sink, long startedNanos) {
            this.in = in;
            this.sink = sink;
            this.startedNanos = startedNanos;
        }

        @Override
        public void onDataAvailable() {
            try {
                if (buffer == null) {
                    buffer = new byte[BUFFER];
                }
                while (!future.isDone() && in.isReady()) {
                    int n = in.read(buffer, 0, Math.max(1, Math.min(buffer.length, sink.wanted())));
                    if (n < 0) {
                        return; // onAllDataRead follows
                    }
                    sink.accept(buffer, 0, n);
                    seen = sink.seen();
                    if (sink.wanted() == 0) {
                        // A refused body read as far as is worth it: answer now, leave the rest unread.
                        finish();
                        return;
                    }
                }
            } catch (IOException e) {
                sink.failed(e);
                finish();
            }
        }

        @Override
        public void onAllDataRead() {
            finish();
        }

        @Override
        public void onError(Throwable t) {
            if (t instanceof TimeoutException || t.getCause() instanceof TimeoutException) {
                future.completeExceptionally(ApiException.requestTimeout("the body was not complete before the idle timeout"));
                return;
            }
            sink.failed(t instanceof IOException io ? io : new IOException(t.getMessage(), t));
            finish();
        }

        private void finish() {
            if (future.isDone()) {
                return;
            }
            try {
                future.complete(sink.finish());
            } catch (RuntimeException e) {
                future.completeExceptionally(e);
            }
        }
    }
}
