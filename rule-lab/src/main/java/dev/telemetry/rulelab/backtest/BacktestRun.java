package dev.telemetry.rulelab.backtest;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import dev.telemetry.rulelab.replay.LabSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One read of the raw topics' history fed to one backtest per rule set (two for {@code --compare}: both see the
 * very same records in the same order), with an optional time limit. What {@code ./telemetry backtest} and the
 * console's "try this rule" page run. The apps are replayed in parallel, each in runs of its own
 * ({@link ParallelBacktest}): the report is the same for any number of threads.
 */
public final class BacktestRun {

    /**
     * What the run produced.
     *
     * @param reports one list of rule reports per rule set, in the order given
     */
    public record Result(List<List<RuleReport>> reports, HistoryReader.Stats stats, double seconds) {
    }

    /** The run took longer than its time limit and was stopped. */
    public static final class TimeLimitExceeded extends Exception {
        private static final long serialVersionUID = 1L;

        TimeLimitExceeded(Duration limit, long events) {
            super("stopped after " + limit.toSeconds() + " s (" + events + " events read): narrow the range or the app");
        }
    }

    /** Thrown out of the reader's sink to stop it: unchecked, so that it passes through HistoryReader. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }

    private BacktestRun() {
    }

    /** Worker threads by default: one per available processor. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /**
     * As {@link #run(List, TopicCatalogue, String, Instant, Instant, String, Duration, Duration, Duration, int)} on
     * {@link #defaultThreads()} threads.
     */
    public static Result run(List<LabSettings> ruleSets, TopicCatalogue topics, String bootstrap, Instant from,
                             Instant to, String app, Duration flapWithin, Duration brokerTimeout, Duration timeLimit)
            throws HistoryReader.Unreachable, TimeLimitExceeded {
        return run(ruleSets, topics, bootstrap, from, to, app, flapWithin, brokerTimeout, timeLimit, defaultThreads());
    }

    /**
     * @param timeLimit null: none
     * @param threads   how many threads replay apps in parallel (at least 1); the report is the same for any number
     */
    public static Result run(List<LabSettings> ruleSets, TopicCatalogue topics, String bootstrap, Instant from,
                             Instant to, String app, Duration flapWithin, Duration brokerTimeout, Duration timeLimit,
                             int threads)
            throws HistoryReader.Unreachable, TimeLimitExceeded {
        long started = System.nanoTime();
        long deadline = timeLimit == null ? Long.MAX_VALUE : started + timeLimit.toNanos();
        try (HistoryReader reader = new HistoryReader(bootstrap, topics, brokerTimeout);
             ParallelBacktest backtests = new ParallelBacktest(ruleSets, from, to, flapWithin, threads)) {
            long[] seen = {0};
            HistoryReader.Stats stats;
            try {
                // Undecoded: the topology decodes each record once, as live; apps are replayed in parallel.
                stats = reader.readRaw(from, to, app, (topic, key, value, appendedAt) -> {
                    if ((++seen[0] & 1023) == 0 && System.nanoTime() > deadline) {
                        throw new Stop();
                    }
                    backtests.accept(topic, key, value, appendedAt);
                });
            } catch (Stop e) {
                throw new TimeLimitExceeded(timeLimit, seen[0]);
            }
            List<List<RuleReport>> reports = new ArrayList<>();
            if (stats.delivered() > 0) {
                ParallelBacktest.Result result = backtests.finish();
                reports.addAll(result.reports());
                // The topology decoded the records (every rule set saw the same ones): what it could not is no
                // event of the range.
                long undecodable = result.undecodable();
                stats = new HistoryReader.Stats(stats.records(), stats.delivered() - undecodable, undecodable,
                        stats.skippedApp());
            }
            return new Result(List.copyOf(reports), stats, (System.nanoTime() - started) / 1e9);
        }
    }
}
