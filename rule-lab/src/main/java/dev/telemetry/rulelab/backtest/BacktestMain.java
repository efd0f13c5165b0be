package dev.telemetry.rulelab.backtest;

import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import dev.telemetry.rulelab.replay.LabSettings;
import dev.telemetry.rulelab.unit.BadTestFile;
import dev.telemetry.rulelab.unit.RuleTestParser;
import dev.telemetry.rulelab.unit.TestTimes;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./telemetry backtest --rules FILE [--from TIME] [--to TIME] [--app APP] [--format table|json]
 * [--incidents FILE] [--compare FILE2] [--flap-within DURATION] [--bootstrap-server HOST:PORT]
 * [--timeout DURATION] [--threads N]}: replays the raw
 * topics' history between the two times through the processor's topology with FILE's rules, windows and SLOs, in a
 * throw-away run that never writes to Kafka and joins no consumer group, and reports what each rule (and each SLO
 * burn-rate alert) would have done; with {@code --incidents}, the SRE workbook's four measures per rule
 * ({@link IncidentMeasures}); with {@code --compare}, FILE2's rules over the same records side by side
 * ({@link RuleComparison}). Apps are replayed in parallel on N threads (default: one per available processor);
 * the report is the same for any N. Exit 0 done, 1 the broker did not answer
 * or the range holds no events, 2 bad arguments or a bad rules file.
 */
public final class BacktestMain {

    public static final int DONE = 0;
    public static final int NOTHING = 1;
    public static final int BAD_INPUT = 2;
    /** How far back the raw topics keep events (their retention.ms): the default range. */
    static final Duration RETENTION = Duration.ofDays(7);

    private static final String USAGE = "usage: ./telemetry backtest --rules FILE [--from TIME] [--to TIME] [--app APP]"
            + " [--format table|json] [--incidents FILE] [--compare FILE2] [--flap-within DURATION]"
            + " [--bootstrap-server HOST:PORT] [--timeout DURATION] [--threads N]"
            + " (TIME: an ISO instant such as 2025-03-01T10:00:00Z, or relative to now such as -6h; default the"
            + " last 7 days)";

    private BacktestMain() {
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "rule-lab-logback.xml");
        }
        System.exit(run(args, System.out, System.err, Clock.systemUTC(), System.getenv()));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Clock clock, Map<String, String> env) {
        String rules = null;
        String fromText = null;
        String toText = null;
        String app = null;
        String format = "table";
        String bootstrap = null;
        String incidentsFile = null;
        String compare = null;
        Duration flapWithin = Duration.ofMinutes(15);
        // How long to wait for the broker's answers before calling it unreachable.
        Duration timeout = Duration.ofSeconds(15);
        int threads = BacktestRun.defaultThreads();
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("-h") || arg.equals("--help")) {
                    out.println(USAGE);
                    return DONE;
                }
                if (i + 1 >= args.length) {
                    return bad(err, arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--rules" -> rules = value;
                    case "--from" -> fromText = value;
                    case "--to" -> toText = value;
                    case "--app" -> app = value;
                    case "--format" -> format = value;
                    case "--bootstrap-server" -> bootstrap = value;
                    case "--incidents" -> incidentsFile = value;
                    case "--compare" -> compare = value;
                    case "--flap-within" -> flapWithin = duration(arg, value);
                    case "--threads" -> threads = threads(value);
                    case "--timeout" -> {
                        timeout = duration(arg, value);
                        if (timeout.isZero()) {
                            return bad(err, "--timeout: 0s leaves the broker no time to answer");
                        }
                    }
                    default -> {
                        return bad(err, "unknown option " + arg);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            return bad(err, e.getMessage());
        }
        if (rules == null) {
            return bad(err, "--rules FILE is required");
        }
        if (!format.equals("table") && !format.equals("json")) {
            return bad(err, "--format: '" + format + "' is neither table nor json");
        }
        Instant now = clock.instant();
        Instant from;
        Instant to;
        try {
            from = fromText == null ? now.minus(RETENTION) : time(fromText, now);
        } catch (IllegalArgumentException e) {
            return bad(err, "--from: " + e.getMessage());
        }
        try {
            to = toText == null ? now : time(toText, now);
        } catch (IllegalArgumentException e) {
            return bad(err, "--to: " + e.getMessage());
        }
        if (!to.isAfter(from)) {
            return bad(err, "the range is empty: --to (" + to + ") is not after --from (" + from + ")");
        }
        if (to.isAfter(now)) {
            return bad(err, "--to (" + to + ") is in the future");
        }
        if (from.isBefore(now.minus(RETENTION).minus(Duration.ofMinutes(1)))) {
            return bad(err, "--from (" + from + ") is beyond the raw topics' retention (" + TestTimes.format(RETENTION)
                    + "): nothing older than " + now.minus(RETENTION) + " is kept");
        }
        ProcessorConfig config;
        ProcessorConfig compareConfig = null;
        List<Incident> incidents = null;
        try {
            config = RuleTestParser.loadRulesFile(Path.of(rules));
            if (compare != null) {
                compareConfig = RuleTestParser.loadRulesFile(Path.of(compare));
            }
            if (incidentsFile != null) {
                incidents = IncidentsFile.read(Path.of(incidentsFile));
            }
        } catch (BadTestFile e) {
            err.println("telemetry backtest: " + e.getMessage());
            return BAD_INPUT;
        }
        if (bootstrap == null) {
            bootstrap = env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", config.kafka().bootstrapServers());
        }
        List<LabSettings> ruleSets = new ArrayList<>();
        ruleSets.add(settingsOf(config));
        if (compareConfig != null) {
            ruleSets.add(settingsOf(compareConfig));
        }
        if (incidents != null) {
            for (Incident i : incidents) {
                if (!i.start().isBefore(to) || !i.end().isAfter(from)) {
                    err.println("telemetry backtest: incident '" + i.name() + "' (" + i.start() + " .. " + i.end()
                            + ") is outside the range and not counted");
                }
            }
        }
        BacktestRun.Result result;
        try {
            result = BacktestRun.run(ruleSets, config.topicCatalogue(), bootstrap, from, to, app, flapWithin,
                    timeout, null, threads);
        } catch (HistoryReader.Unreachable | org.apache.kafka.common.KafkaException e) {
            err.println("telemetry backtest: cannot read the raw topics from " + bootstrap + ": " + e.getMessage());
            return NOTHING;
        } catch (BacktestRun.TimeLimitExceeded e) {
            err.println("telemetry backtest: " + e.getMessage());
            return NOTHING;
        }
        HistoryReader.Stats stats = result.stats();
        if (stats.delivered() == 0) {
            err.println("telemetry backtest: no events" + (app == null ? "" : " of app " + app) + " between " + from
                    + " and " + to + " on " + bootstrap);
            return NOTHING;
        }
        List<RuleReport> reports = result.reports().get(0);
        if (compareConfig == null) {
            for (RuleReport r : reports) {
                IncidentMeasures m = incidents == null ? null
                        : IncidentMeasures.of(r.rule(), r.firing(), incidents, from, to);
                if (format.equals("json")) {
                    out.println(ReportFormat.json(r, m));
                } else {
                    ReportFormat.table(out, r, m);
                }
            }
        } else {
            List<RuleReport> other = result.reports().get(1);
            for (RuleComparison c : RuleComparison.of(reports, other, to)) {
                IncidentMeasures left = measures(incidents, c.rule(), reports, from, to);
                IncidentMeasures right = measures(incidents, c.rule(), other, from, to);
                if (format.equals("json")) {
                    out.println(ReportFormat.json(c, rules, compare, left, right));
                } else {
                    ReportFormat.table(out, c, rules, compare, left, right);
                }
            }
        }
        double seconds = result.seconds();
        err.printf(Locale.ROOT, "telemetry backtest: %d events from %s to %s in %.1f s (%.0f events/s)%s%n",
                stats.delivered(), from, to, seconds, stats.delivered() / Math.max(seconds, 1e-9),
                stats.undecodable() == 0 ? "" : "; " + stats.undecodable() + " undecodable records skipped");
        return DONE;
    }

    private static Duration duration(String option, String text) {
        Duration d;
        try {
            d = TestTimes.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
        }
        return d;
    }

    private static int threads(String text) {
        int n;
        try {
            n = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--threads: '" + text + "' is not a whole number");
        }
        if (n < 1) {
            throw new IllegalArgumentException("--threads: " + n + " is not at least 1");
        }
        return n;
    }

    /** A rules file's rules, windows and SLOs: its SLOs' burn-rate alerts are backtested too. */
    static LabSettings settingsOf(ProcessorConfig config) {
        return LabSettings.rulesOf(config).withSlos(config.slos());
    }

    private static IncidentMeasures measures(List<Incident> incidents, String rule, List<RuleReport> reports,
                                             Instant from, Instant to) {
        if (incidents == null) {
            return null;
        }
        return reports.stream().filter(r -> r.rule().equals(rule)).findFirst()
                .map(r -> IncidentMeasures.of(rule, r.firing(), incidents, from, to)).orElse(null);
    }

    /** A time as {@code --from}/{@code --to} take it: an ISO instant, {@code now}, or relative to now ({@code -6h}). */
    public static Instant time(String text, Instant now) {
        if (text.equals("now")) {
            return now;
        }
        if (text.startsWith("-")) {
            return now.minus(TestTimes.parse(text.substring(1)));
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither an ISO instant (2025-03-01T10:00:00Z) nor a"
                    + " time relative to now (-6h, -2d, now)");
        }
    }

    private static int bad(PrintStream err, String message) {
        err.println("telemetry backtest: " + message);
        err.println(USAGE);
        return BAD_INPUT;
    }
}
