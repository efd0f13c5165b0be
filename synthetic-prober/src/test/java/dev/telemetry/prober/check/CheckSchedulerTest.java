package dev.telemetry.prober.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scheduling: consecutive failures, timeouts, and no overlapping runs of one check. */
class CheckSchedulerTest {

    private final List<CheckResult> results = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private CheckScheduler scheduler;

    @AfterEach
    void stop() {
        if (scheduler != null) scheduler.close();
    }

    @Test
    void shouldCountConsecutiveFailuresAndResetThemWhenACheckPasses() {
        // Given: a check that fails three times, then passes, then fails again.
        Queue<Outcome> script = new ConcurrentLinkedQueue<>(List.of(Outcome.failed("a"), Outcome.failed("b"),
                Outcome.failed("c"), Outcome.passed(), Outcome.failed("d")));
        Check scripted = check("flaky", () -> script.isEmpty() ? null : script.poll());

        // When
        scheduler = start(scripted, Duration.ofMillis(50), Duration.ofSeconds(5));

        // Then
        await().atMost(Duration.ofSeconds(30)).until(() -> results.size() >= 5);
        List<CheckResult> first = List.copyOf(results).subList(0, 5);
        assertThat(first).extracting(CheckResult::consecutiveFailures).containsExactly(1, 2, 3, 0, 1);
        assertThat(first).extracting(CheckResult::error).containsExactly("a", "b", "c", null, "d");
        assertThat(first).allSatisfy(r -> assertThat(r.check()).isEqualTo("flaky"));
        assertThat(registry.get("synthetic.check.runs").tag("check", "flaky").tag("outcome", "success").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldReportATimeoutAndNeverOverlapRunsWhenACheckHangs() throws Exception {
        // Given: a check that hangs until released, ticking much faster than it finishes.
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger interrupted = new AtomicInteger();
        Check hanging = check("hangs", () -> {
            started.incrementAndGet();
            maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
            try {
                // Ignores its own timeout on purpose: only an interrupt or the release ends it.
                if (!release.await(60, TimeUnit.SECONDS)) return Outcome.failed("never released");
                return Outcome.passed();
            } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                release.await(60, TimeUnit.SECONDS); // keeps running after the interrupt, as a stuck browser might
                return Outcome.passed();
            } finally {
                concurrent.decrementAndGet();
            }
        });

        // When
        scheduler = start(hanging, Duration.ofMillis(20), Duration.ofMillis(200));

        // Then: the run is reported failed at its timeout and interrupted; later ticks are skipped, not overlapped.
        await().atMost(Duration.ofSeconds(30)).until(() -> !results.isEmpty());
        assertThat(results.get(0).success()).isFalse();
        assertThat(results.get(0).error()).isEqualTo("timed out after 200ms");
        assertThat(results.get(0).consecutiveFailures()).isEqualTo(1);
        assertThat(results.get(0).durationMs()).isGreaterThanOrEqualTo(200.0 + CheckScheduler.OWN_TIMEOUT_GRACE.toMillis());
        await().atMost(Duration.ofSeconds(30)).until(() -> interrupted.get() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                registry.get("synthetic.check.skipped").tag("check", "hangs").counter().count() >= 3);
        assertThat(started.get()).as("no second run while the first is stuck").isEqualTo(1);
        assertThat(results).hasSize(1);

        // When: the stuck run finally ends, runs resume (and hang again), one at a time.
        release.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> started.get() >= 3);
        assertThat(maxConcurrent.get()).isEqualTo(1);
    }

    @Test
    void shouldReportAFailureWithItsMessageWhenACheckThrows() {
        scheduler = start(check("throws", () -> {
            throw new IllegalStateException("chromium crashed");
        }), Duration.ofSeconds(30), Duration.ofSeconds(5));

        await().atMost(Duration.ofSeconds(30)).until(() -> !results.isEmpty());
        assertThat(results.get(0).error()).isEqualTo("IllegalStateException: chromium crashed");
        assertThat(scheduler.statuses()).singleElement().satisfies(s -> assertThat(s.latest()).isEqualTo(results.get(0)));
    }

    private CheckScheduler start(Check check, Duration interval, Duration timeout) {
        return new CheckScheduler(List.of(new CheckScheduler.Scheduled(check, interval, timeout)), results::add, registry,
                Clock.systemUTC()).start();
    }

    /** A check whose body may block; checked exceptions are the test's problem. */
    interface Body {
        Outcome run() throws Exception;
    }

    private static Check check(String name, Body body) {
        return new Check() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Outcome run() {
                try {
                    return body.run();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }
}
