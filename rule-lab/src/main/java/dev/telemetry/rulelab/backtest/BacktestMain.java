package dev.telemetry.rulelab.backtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.rulelab.backtest.Backtest.FiringInterval;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ./telemetry backtest --rules FILE [--from TIME] [--to TIME] [--app APP] [--format table|json]
 * [--flap-within DURATION] [--bootstrap-server HOST:PORT] [--timeout DURATION]}: replays the raw topics' history
 * between the two times through the processor's topology with FILE's rules and windows, in a throw-away run that never writes to Kafka
 * and joins no consumer group, and reports what each rule would have done. Exit 0 done, 1 the broker did not answer
 * or the range holds no events, 2 bad arguments or a bad rules file.
 */
public final class BacktestMain {

    public static final int DONE = 0;
    public static final int NOTHING = 1;
    public static final int BAD_INPUT = 2;
    /** How far back the raw topics keep events (their retention.ms): the default range. */
    static final Duration RETENTION = Duration.ofDays(7);

    private static final String USAGE = "usage: ./telemetry backtest --rules FILE [--from TIME] [--to TIME] [--app APP]"
            + " [--format table|json] [--flap-within DURATION] [--bootstrap-server HOST:PORT] [--timeout DURATION]"
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
        Duration flapWithin = Duration.ofMinutes(15);
        // How long to wait for the broker's answers before calling it unreachable.
        Duration timeout = Duration.ofSeconds(15);
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
                    case "--flap-within" -> flapWithin = duration(arg, value);
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
        try {
            config = RuleTestParser.loadRulesFile(Path.of(rules));
        } catch (BadTestFile e) {
            err.println("telemetry backtest: " + e.getMessage());
            return BAD_INPUT;
        }
        if (bootstrap == null) {
            bootstrap = env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", config.kafka().bootstrapServers());
        }
        LabSettings settings = LabSettings.rulesOf(config);
        List<RuleReport> reports;
        HistoryReader.Stats stats;
        long started = System.nanoTime();
        try (HistoryReader reader = new HistoryReader(bootstrap, config.topicCatalogue(), timeout);
             Backtest backtest = new Backtest(settings, from, to, flapWithin)) {
            // Undecoded: the topology decodes each record once, as live.
            stats = reader.readRaw(from, to, app, backtest::accept);
            if (stats.delivered() == 0) {
                err.println("telemetry backtest: no events" + (app == null ? "" : " of app " + app) + " between " + from
                        + " and " + to + " on " + bootstrap);
                return NOTHING;
            }
            reports = backtest.finish();
            // The topology decoded the records: what it could not is no event of the range.
            stats = new HistoryReader.Stats(stats.records(), stats.delivered() - backtest.undecodable(),
                    backtest.undecodable(), stats.skippedApp());
        } catch (HistoryReader.Unreachable e) {
            err.println("telemetry backtest: cannot read the raw topics from " + bootstrap + ": " + e.getMessage());
            return NOTHING;
        } catch (org.apache.kafka.common.KafkaException e) {
            err.println("telemetry backtest: cannot read the raw topics from " + bootstrap + ": " + e.getMessage());
            return NOTHING;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (format.equals("json")) {
            printJson(out, reports);
        } else {
            printTable(out, reports);
        }
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

    static Instant time(String text, Instant now) {
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

    private static void printTable(PrintStream out, List<RuleReport> reports) {
        for (RuleReport r : reports) {
            out.printf(Locale.ROOT, "%s: %d firing interval%s, %d notifications, %s firing, %d flap%s%n", r.rule(),
                    r.firing().size(), r.firing().size() == 1 ? "" : "s", r.notifications(),
                    TestTimes.format(Duration.ofSeconds(r.firingSeconds())), r.flaps(), r.flaps() == 1 ? "" : "s");
            for (FiringInterval i : r.firing()) {
                out.printf(Locale.ROOT, "  %s .. %s  %s  peak %s%n", i.start(), i.end() == null ? "(still firing)" : i.end(),
                        new TreeMap<>(i.labels()), number(i.peak()));
            }
        }
    }

    private static void printJson(PrintStream out, List<RuleReport> reports) {
        ObjectMapper json = new ObjectMapper();
        for (RuleReport r : reports) {
            ObjectNode rule = json.createObjectNode();
            rule.put("rule", r.rule());
            ArrayNode firing = rule.putArray("firing");
            for (FiringInterval i : r.firing()) {
                ObjectNode interval = firing.addObject();
                interval.put("start", i.start().toString());
                if (i.end() == null) {
                    interval.putNull("end");
                } else {
                    interval.put("end", i.end().toString());
                }
                ObjectNode labels = interval.putObject("labels");
                new TreeMap<>(i.labels()).forEach(labels::put);
                interval.put("peak", i.peak());
            }
            rule.put("notifications", r.notifications());
            rule.put("firingSeconds", r.firingSeconds());
            rule.put("flaps", r.flaps());
            out.println(rule);
        }
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4g", v);
    }

    private static int bad(PrintStream err, String message) {
        err.println("telemetry backtest: " + message);
        err.println(USAGE);
        return BAD_INPUT;
    }
}
