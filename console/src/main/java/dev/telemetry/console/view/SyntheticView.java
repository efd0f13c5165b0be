package dev.telemetry.console.view;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.SyntheticEvent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest run of each synthetic check, and its latest failure, from the raw {@code telemetry.synthetic}
 * (availability and duration over time are the {@code synthetic_*} summaries in {@link SeriesView}). The latest
 * failure is kept apart from the latest run: after a recovery the page still says what broke last.
 *
 * <p>Bounded: at most {@code maxChecks} checks (a new one evicts the check run longest ago); checks whose last run is
 * older than the retention are dropped. Error texts are cut to {@value ErrorView#MAX_MESSAGE} characters.
 * Thread-safe (one lock; reads copy).
 */
public final class SyntheticView {

    /** One run, as the prober (or the seed's script) reported it. */
    public record Run(Instant at, boolean success, String error, Double durationMs, Integer consecutiveFailures) {
    }

    /** One check: its latest run and its latest failed run (null when none within the retention). */
    public record Check(String app, String check, Run lastRun, Run lastFailure) {
    }

    private final Duration retention;
    private final int maxChecks;
    private final Clock clock;
    private final Map<String, Check> checks = new HashMap<>();
    private long evicted;

    public SyntheticView(Duration retention, int maxChecks, Clock clock) {
        if (retention.isNegative() || retention.isZero() || maxChecks <= 0) {
            throw new IllegalArgumentException("retention and cap must be positive");
        }
        this.retention = retention;
        this.maxChecks = maxChecks;
        this.clock = clock;
    }

    /** One record of {@code telemetry.synthetic}; false when it is not a check result or older than the retention. */
    public synchronized boolean add(Envelope envelope) {
        if (envelope == null || !(envelope.event() instanceof SyntheticEvent e) || e.check() == null
                || envelope.eventTime().isBefore(cutoff())) {
            return false;
        }
        Run run = new Run(envelope.eventTime(), e.success(), ErrorView.cut(e.error(), ErrorView.MAX_MESSAGE),
                e.durationMs(), e.consecutiveFailures());
        String key = envelope.app() + "|" + e.check();
        Check had = checks.get(key);
        if (had == null) {
            makeRoom();
            checks.put(key, new Check(envelope.app(), e.check(), run, run.success() ? null : run));
            return true;
        }
        Run last = run.at().isBefore(had.lastRun().at()) ? had.lastRun() : run;
        Run failure = had.lastFailure();
        if (!run.success() && (failure == null || !run.at().isBefore(failure.at()))) {
            failure = run;
        }
        Check now = new Check(had.app(), had.check(), last, failure);
        checks.put(key, now);
        return !now.equals(had);
    }

    /** The checks of {@code app} and {@code check} (null: any), by app, then check. */
    public synchronized List<Check> query(String app, String check) {
        Instant cutoff = cutoff();
        List<Check> out = new ArrayList<>();
        for (Check c : checks.values()) {
            if ((app == null || app.equals(c.app())) && (check == null || check.equals(c.check()))
                    && !c.lastRun().at().isBefore(cutoff)) {
                Run failure = c.lastFailure() != null && c.lastFailure().at().isBefore(cutoff) ? null : c.lastFailure();
                out.add(new Check(c.app(), c.check(), c.lastRun(), failure));
            }
        }
        out.sort(Comparator.comparing(Check::app).thenComparing(Check::check));
        return out;
    }

    public synchronized void prune() {
        Instant cutoff = cutoff();
        checks.values().removeIf(c -> c.lastRun().at().isBefore(cutoff));
    }

    public synchronized int size() {
        return checks.size();
    }

    /** Checks dropped because of the cap. */
    public synchronized long evicted() {
        return evicted;
    }

    private void makeRoom() {
        if (checks.size() < maxChecks) {
            return;
        }
        prune();
        while (checks.size() >= maxChecks) {
            String oldest = checks.entrySet().stream()
                    .min(Comparator.comparing(en -> en.getValue().lastRun().at())).orElseThrow().getKey();
            checks.remove(oldest);
            evicted++;
        }
    }

    private Instant cutoff() {
        return clock.instant().minus(retention);
    }
}
