package dev.telemetry.prober.check;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one check, created up front so {@code /metrics} lists every check before its first run:
 * {@code synthetic_check_runs_total{check,outcome}}, {@code synthetic_check_duration_seconds{check}},
 * {@code synthetic_check_skipped_total{check}} (a tick that found the previous run still going) and
 * {@code synthetic_check_consecutive_failures{check}}.
 */
final class CheckMetrics {

    private final Counter passed;
    private final Counter failed;
    private final Counter skipped;
    private final Timer duration;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    CheckMetrics(MeterRegistry registry, String check) {
        passed = Counter.builder("synthetic.check.runs").tag("check", check).tag("outcome", "success")
                .description("Finished runs of a synthetic check").register(registry);
        failed = Counter.builder("synthetic.check.runs").tag("check", check).tag("outcome", "failure")
                .description("Finished runs of a synthetic check").register(registry);
        skipped = Counter.builder("synthetic.check.skipped").tag("check", check)
                .description("Runs not started because the previous run of the check was still going").register(registry);
        duration = Timer.builder("synthetic.check.duration").tag("check", check)
                .description("How long runs of a synthetic check took").register(registry);
        Gauge.builder("synthetic.check.consecutive.failures", consecutiveFailures, AtomicInteger::get).tag("check", check)
                .description("Failed runs in a row; 0 after a success").register(registry);
    }

    void finished(CheckResult result) {
        (result.success() ? passed : failed).increment();
        duration.record(Duration.ofNanos((long) (result.durationMs() * 1_000_000)));
        consecutiveFailures.set(result.consecutiveFailures());
    }

    void skipped() {
        skipped.increment();
    }
}
