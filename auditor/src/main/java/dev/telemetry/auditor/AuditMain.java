package dev.telemetry.auditor;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.auditor.service.AuditorConfig;
import dev.telemetry.auditor.service.AuditorService;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.lifecycle.Shutdown;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.config.Durations;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./telemetry audit [--from TIME] [--to TIME] [--app APP] [--format table|json] [--bootstrap-server HOST:PORT]
 * [--timeout DURATION]}: reconciles, per app, raw topic and window starting in the range, the records on the raw
 * topics with the processor's account of them ({@code telemetry.audit}). Exit 0: every judged window matches; 1: a
 * window mismatches; 2: bad arguments; 3: Kafka could not be read, or nothing in the range was accounted for.
 */
public final class AuditMain {

    static final int OK = 0;
    static final int MISMATCH = 1;
    static final int BAD_INPUT = 2;
    static final int UNREADABLE = 3;
    static final String USAGE = "usage: ./telemetry audit [--from TIME] [--to TIME] [--app APP] [--format table|json]"
            + " [--bootstrap-server HOST:PORT] [--timeout DURATION] [--config processor.yaml]\n"
            + "  TIME: an ISO instant (2025-03-01T10:00:00Z), or relative to now (-6h, -2d, now); default --from -1h --to now";

    private AuditMain() {
    }

    /**
     * {@code serve [--config auditor.yaml]}: the auditor service (continuous audit, alerts); anything else: the
     * one-off reconciliation ({@code ./telemetry audit}).
     */
    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("serve")) {
            if (System.getProperty("logback.configurationFile") == null) {
                System.setProperty("logback.configurationFile", "auditor-service-logback.xml");
            }
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            AuditorConfig config;
            try {
                config = AuditorConfig.load(rest);
            } catch (ConfigException e) {
                System.err.println("configuration error: " + e.getMessage());
                System.exit(2);
                return;
            }
            Shutdown.runUntilStopped("auditor", () -> AuditorService.start(config));
            return;
        }
        if (System.getProperty("logback.configurationFile") == null) {
            // Results on stdout; only problems on stderr (a file of its own: other jars on a class path bring theirs).
            System.setProperty("logback.configurationFile", "auditor-logback.xml");
        }
        System.exit(run(args, System.out, System.err, Clock.systemUTC()));
    }

    static int run(String[] args, PrintStream out, PrintStream err, Clock clock) {
        Instant now = clock.instant();
        String fromText = "-1h";
        String toText = "now";
        String app = null;
        String format = "table";
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092");
        Duration timeout = Duration.ofSeconds(30);
        TopicCatalogue topics = TopicCatalogue.defaults();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                out.println(USAGE);
                return OK;
            }
            if (!List.of("--from", "--to", "--app", "--format", "--bootstrap-server", "--timeout", "--config").contains(arg)) {
                return bad(err, "unknown argument '" + arg + "'");
            }
            if (i + 1 >= args.length) {
                return bad(err, arg + " needs a value");
            }
            String value = args[++i];
            switch (arg) {
                case "--from" -> fromText = value;
                case "--to" -> toText = value;
                case "--app" -> app = value;
                case "--format" -> format = value;
                case "--bootstrap-server" -> bootstrap = value;
                case "--config" -> {
                    try {
                        topics = topics(java.nio.file.Path.of(value));
                    } catch (IllegalArgumentException e) {
                        return bad(err, "--config " + value + ": " + e.getMessage());
                    }
                }
                default -> {
                    try {
                        timeout = Durations.parse(value);
                    } catch (RuntimeException e) {
                        return bad(err, "--timeout: '" + value + "' is not a duration such as 10s, 1m");
                    }
                }
            }
        }
        if (!format.equals("table") && !format.equals("json")) {
            return bad(err, "--format: '" + format + "' is neither table nor json");
        }
        Instant from;
        Instant to;
        try {
            from = time(fromText, now);
        } catch (IllegalArgumentException e) {
            return bad(err, "--from: " + e.getMessage());
        }
        try {
            to = time(toText, now);
        } catch (IllegalArgumentException e) {
            return bad(err, "--to: " + e.getMessage());
        }
        if (!to.isAfter(from)) {
            return bad(err, "the range is empty: --from " + from + " is not before --to " + to);
        }
        Reconciler reconciler;
        try {
            reconciler = new AuditReader(bootstrap, topics, timeout).read(from);
        } catch (AuditReader.Unreachable e) {
            err.println("telemetry audit: " + e.getMessage());
            return UNREADABLE;
        } catch (IllegalStateException e) {
            err.println("telemetry audit: " + e.getMessage());
            return UNREADABLE;
        }
        if (reconciler.windowSize() <= 0) {
            err.println("telemetry audit: nothing on telemetry.audit since " + from + ": is the stream processor running"
                    + " (a version that writes the audit), and has a window closed since?");
            return UNREADABLE;
        }
        List<AuditRow> rows = reconciler.rows(from, to, app);
        if (format.equals("json")) {
            rows.forEach(row -> out.println(json(row)));
        } else {
            printTable(rows, out);
        }
        long mismatches = rows.stream().filter(r -> r.status() == AuditRow.Status.MISMATCH).count();
        long pending = rows.stream().filter(r -> r.status() == AuditRow.Status.PENDING).count();
        err.printf(Locale.ROOT, "telemetry audit: %d row(s) from %s to %s: %d match, %d mismatch, %d pending%n",
                rows.size(), from, to, rows.size() - mismatches - pending, mismatches, pending);
        return mismatches > 0 ? MISMATCH : OK;
    }

    static String json(AuditRow row) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("app", row.app());
        node.put("topic", row.topic());
        node.put("windowStart", row.windowStart().toString());
        node.put("windowEnd", row.windowEnd().toString());
        node.put("published", row.published());
        node.put("summarised", row.summarised());
        node.put("late", row.late());
        node.put("deadLettered", row.deadLettered());
        node.put("overflowed", row.overflowed());
        node.put("notSummarised", row.notSummarised());
        node.put("status", row.status().wireName());
        return new String(JsonCodec.standard().write(node), StandardCharsets.UTF_8);
    }

    private static void printTable(List<AuditRow> rows, PrintStream out) {
        String format = "%-16s %-20s %-20s %10s %10s %6s %13s %10s %14s  %s%n";
        out.printf(Locale.ROOT, format, "APP", "TOPIC", "WINDOW", "PUBLISHED", "SUMMARISED", "LATE", "DEAD-LETTERED",
                "OVERFLOWED", "NOT-SUMMARISED", "STATUS");
        for (AuditRow r : rows) {
            out.printf(Locale.ROOT, format, r.app(), r.topic(), r.windowStart(), r.published(), r.summarised(), r.late(),
                    r.deadLettered(), r.overflowed(), r.notSummarised(), r.status().wireName()
                            + (r.status() == AuditRow.Status.MISMATCH ? " (" + (r.published() - r.accounted())
                            + " unaccounted)" : ""));
        }
    }

    /** The topic names a YAML file's {@code topics:} section sets (processor.yaml's), over the defaults. */
    static TopicCatalogue topics(java.nio.file.Path file) {
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                    .readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read it: " + e.getMessage());
        }
        java.util.Map<String, String> names = new java.util.HashMap<>();
        com.fasterxml.jackson.databind.JsonNode section = root == null ? null : root.get("topics");
        if (section != null && !section.isNull()) {
            if (!section.isObject()) {
                throw new IllegalArgumentException("topics: must be a map of topic key to name");
            }
            section.fields().forEachRemaining(e -> names.put(e.getKey(), e.getValue().asText()));
        }
        return TopicCatalogue.withOverrides(names);
    }

    static Instant time(String text, Instant now) {
        if (text.equals("now")) {
            return now;
        }
        if (text.startsWith("-")) {
            try {
                return now.minus(Durations.parse(text.substring(1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + text + "' is not a time relative to now such as -6h, -2d");
            }
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is neither an ISO instant (2025-03-01T10:00:00Z) nor a"
                    + " time relative to now (-6h, -2d, now)");
        }
    }

    private static int bad(PrintStream err, String message) {
        err.println("telemetry audit: " + message);
        err.println(USAGE);
        return BAD_INPUT;
    }
}
