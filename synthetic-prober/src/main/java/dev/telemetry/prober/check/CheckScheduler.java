package dev.telemetry.prober.check;

import dev.telemetry.service.config.Durations;
import dev.telemetry.service.ops.ErrorReporter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each check on its own interval, each run bounded by the check's timeout, and hands every result
 * to a {@link ResultSink}. A check never runs twice at once: a tick that finds the previous run still
 * going (a hung browser, say) is skipped and counted, and a run that outlives its timeout (plus
 * {@link #OWN_TIMEOUT_GRACE}) is reported failed then while its thread is interrupted; the next run starts
 * only once it really ended.
 * Each check counts its consecutive failures (0 after a success). A check that throws instead of returning an
 * outcome, or a result that cannot be handed on, is a bug of ours: besides the failed result and the log, it goes to
 * the {@link ErrorReporter} (Sentry, when configured).
 */
public final class CheckScheduler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CheckScheduler.class);
    /**
     * Checks honour their timeout themselves and then say what they were waiting for (the URL, the step);
     * the scheduler's own cut-off comes this much later, for a run that does not.
     */
    static final Duration OWN_TIMEOUT_GRACE = Duration.ofSeconds(1);

    /** A check and when to run it. */
    public record Scheduled(Check check, Duration interval, Duration timeout) {
    }

    /** What {@code /health} shows of a check: its latest result, or null before the first one. */
    public record Status(String check, CheckResult latest) {
    }

    private final List<Runner> runners;
    private final ResultSink sink;
    private final Clock clock;
    private final ScheduledExecutorService ticker;
    private final ExecutorService workers;
    private final ErrorReporter errors;

    public CheckScheduler(List<Scheduled> checks, ResultSink sink, MeterRegistry registry, Clock clock) {
        this(checks, sink, registry, clock, ErrorReporter.none());
    }

    public CheckScheduler(List<Scheduled> checks, ResultSink sink, MeterRegistry registry, Clock clock,
                          ErrorReporter errors) {
        this.errors = errors;
        this.sink = sink;
        this.clock = clock;
        this.runners = checks.stream().map(s -> new Runner(s, new CheckMetrics(registry, s.check().name()))).toList();
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("prober-ticker"));
        this.workers = Executors.newCachedThreadPool(daemon("prober-check"));
    }

    /** Schedules every check; each runs once at once, then every interval. */
    public CheckScheduler start() {
        for (Runner runner : runners) {
            ticker.scheduleAtFixedRate(runner::tick, 0, runner.scheduled.interval().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("check '{}' every {} (timeout {})", runner.scheduled.check().name(),
                    Durations.format(runner.scheduled.interval()), Durations.format(runner.scheduled.timeout()));
        }
        return this;
    }

    /** The latest result of every check, in configuration order. */
    public List<Status> statuses() {
        return runners.stream().map(r -> new Status(r.scheduled.check().name(), r.latest.get())).toList();
    }

    /** Stops scheduling and interrupts runs in progress; results of interrupted runs are not reported. */
    @Override
    public void close() {
        ticker.shutdownNow();
        workers.shutdownNow();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("some checks were still running 10 s after the stop was requested");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One check's state: whether a run is going, and its failures in a row. */
    private final class Runner {

        final Scheduled scheduled;
        final CheckMetrics metrics;
        final AtomicBoolean running = new AtomicBoolean();
        final AtomicInteger consecutiveFailures = new AtomicInteger();
        final AtomicInteger skippedInARow = new AtomicInteger();
        final AtomicReference<CheckResult> latest = new AtomicReference<>();

        Runner(Scheduled scheduled, CheckMetrics metrics) {
            this.scheduled = scheduled;
            this.metrics = metrics;
        }

        void tick() {
            if (!running.compareAndSet(false, true)) {
                metrics.skipped();
                // Once per stuck run: a hung browser on a short interval would otherwise flood the log.
                if (skippedInARow.incrementAndGet() == 1) {
                    LOG.warn("check '{}' skipped a run: the previous one is still going", scheduled.check().name());
                }
                return;
            }
            skippedInARow.set(0);
            long started = System.nanoTime();
            CompletableFuture<Outcome> outcome = new CompletableFuture<>();
            Future<?> task;
            try {
                task = workers.submit(() -> {
                    try {
                        outcome.complete(runSafely());
                    } finally {
                        running.set(false);
                    }
                });
            } catch (RejectedExecutionException e) {
                running.set(false); // the scheduler is closing
                return;
            }
            Outcome timedOut = Outcome.failed("timed out after " + Durations.format(scheduled.timeout()));
            outcome.completeOnTimeout(timedOut, scheduled.timeout().plus(OWN_TIMEOUT_GRACE).toMillis(), TimeUnit.MILLISECONDS)
                    .thenAccept(result -> {
                        if (result == timedOut) {
                            // Reported now; the run is interrupted, and `running` stays set until it really ends.
                            task.cancel(true);
                        }
                        finish(result, (System.nanoTime() - started) / 1_000_000.0);
                    });
        }

        private Outcome runSafely() {
            try {
                Outcome result = scheduled.check().run();
                return result == null ? Outcome.failed("the check returned no outcome") : result;
            } catch (RuntimeException e) {
                LOG.warn("check '{}' threw", scheduled.check().name(), e);
                errors.report(e, "check " + scheduled.check().name());
                return Outcome.failed(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        private void finish(Outcome outcome, double durationMs) {
            if (workers.isShutdown()) {
                return; // interrupted by close(): not a real failure of the probed service
            }
            int previous = consecutiveFailures.get();
            int failures = outcome.success() ? 0 : previous + 1;
            consecutiveFailures.set(failures);
            CheckResult result = new CheckResult(scheduled.check().name(), outcome.success(), outcome.error(),
                    durationMs, Instant.now(clock), failures);
            latest.set(result);
            metrics.finished(result);
            // Changes of state only: a check failing every 30 s for an hour is one line, not 120.
            if (failures == 1) {
                LOG.warn("check '{}' started failing: {}", result.check(), result.error());
            } else if (failures == 0 && previous > 0) {
                LOG.info("check '{}' recovered after {} failed run(s)", result.check(), previous);
            }
            try {
                sink.accept(result);
            } catch (RuntimeException e) {
                LOG.warn("result of check '{}' could not be handed on", result.check(), e);
                errors.report(e, "result of check " + result.check());
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
