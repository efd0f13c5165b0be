package dev.telemetry.faults;

import dev.telemetry.service.config.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code fault-scenarios/run.sh <scenario> [options]}: runs one scenario, prints its counts and exits 0 when every
 * acknowledged event is in the raw topic and summarised exactly once, 1 otherwise (2: bad command line).
 */
public final class FaultScenarioMain {

    private static final String USAGE = """
            usage: run.sh <broker-outage|processor-partition|processor-restart> [options]
              --at <duration>        when the fault starts, after the load began  (15s / 10s / 10s)
              --outage <duration>    how long the fault lasts: broker down, partition, processor down  (6s / 30s / 60s)
              --load <duration>      how long the clients post  (45s / 50s / 80s)
              --windows <size/grace> the processor's windows  (10s/2s; the shipped ones are 1m/10s)
              --clients <n>          client threads  (4 / 4 / 8)
              --batch <n>            events per request, at most 1000  (100 / 100 / 250)
              --rate <n>             at most this many events per second in all, 0 for no limit  (0 / 0 / 30000)
              --no-timestamps        send events without a client timestamp (windows then use the receive time)
              --drain <duration>     how long counting may wait for summaries after the last window closed  (120s)
              --from-jars            run <repo>/<module>/target/<module>.jar instead of this classpath
              --repo <dir>           the checkout whose jars --from-jars runs  (.)
              --work-dir <dir>       where runs keep data, configs and logs  (fault-scenarios/target/runs)
            """;
    private static final Set<String> OPTIONS = Set.of("--at", "--outage", "--load", "--windows", "--clients", "--batch", "--rate",
            "--drain", "--repo", "--work-dir");
    private static final Set<String> FLAGS = Set.of("--from-jars", "--no-timestamps");

    private FaultScenarioMain() {
    }

    /** One scenario's defaults: when its fault starts, how long it lasts, the load's length, clients and batch. */
    private record Defaults(Duration at, Duration outage, Duration load, int clients, int batch, int rate) {
    }

    private static final Map<String, Defaults> SCENARIOS = Map.of(
            "broker-outage", new Defaults(Duration.ofSeconds(15), Duration.ofSeconds(6), Duration.ofSeconds(45), 4, 100, 0),
            "processor-partition", new Defaults(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(50), 4, 100, 0),
            // A backlog of 1.8 million events in the minute the processor is down (two cores reach ~70k events/s
            // without a processor), and not so many more that catching up takes minutes.
            "processor-restart", new Defaults(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(80), 8, 250, 30_000));

    public static void main(String[] args) {
        // Before the first logger: the services' logback.xml files are on this classpath too, and not meant for it.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/telemetry/faults/cli-logback.xml");
        }
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(USAGE);
            return;
        }
        ScenarioResult result;
        try {
            result = run(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fault-scenarios: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        } catch (Exception e) {
            System.err.println("fault-scenarios: the scenario could not run: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        System.out.println();
        System.out.print(result.table());
        System.exit(result.passed() ? 0 : 1);
    }

    static ScenarioResult run(String[] args) throws Exception {
        if (args.length == 0 || !SCENARIOS.containsKey(args[0])) {
            throw new IllegalArgumentException(args.length == 0 ? "which scenario?" : "unknown scenario '" + args[0] + "'");
        }
        String scenario = args[0];
        Defaults defaults = SCENARIOS.get(scenario);
        Map<String, String> options = parse(args);
        Duration at = duration(options, "--at", defaults.at());
        Duration outage = duration(options, "--outage", defaults.outage());
        LoadSettings load = new LoadSettings(duration(options, "--load", defaults.load()),
                number(options, "--clients", defaults.clients()), number(options, "--batch", defaults.batch()),
                10, "outage_ms", !options.containsKey("--no-timestamps"), number(options, "--rate", defaults.rate()));
        Path repo = Path.of(options.getOrDefault("--repo", "."));
        Launcher launcher = options.containsKey("--from-jars") ? Launcher.jars(repo) : Launcher.classpath();
        ScenarioSettings settings = new ScenarioSettings(launcher,
                Path.of(options.getOrDefault("--work-dir", "fault-scenarios/target/runs")),
                Windows.parse(options.getOrDefault("--windows", Windows.SHORT.toString())), load,
                duration(options, "--drain", Duration.ofSeconds(120)));
        System.out.println("fault-scenarios: " + scenario + " running (services' logs go to " + settings.workDir() + ")");
        FaultScenarios scenarios = new FaultScenarios(settings);
        return switch (scenario) {
            case "broker-outage" -> scenarios.brokerOutage(at, outage);
            case "processor-partition" -> scenarios.processorPartition(at, outage);
            default -> scenarios.processorRestart(at, outage);
        };
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            if (FLAGS.contains(name) && eq < 0) {
                options.put(name, "true");
            } else if (OPTIONS.contains(name)) {
                if (eq >= 0) {
                    options.put(name, arg.substring(eq + 1));
                } else if (i + 1 < args.length) {
                    options.put(name, args[++i]);
                } else {
                    throw new IllegalArgumentException(name + " needs a value");
                }
            } else {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return options;
    }

    private static Duration duration(Map<String, String> options, String name, Duration defaultValue) {
        String value = options.get(name);
        return value == null ? defaultValue : Durations.parse(value);
    }

    private static int number(Map<String, String> options, String name, int defaultValue) {
        String value = options.get(name);
        try {
            return value == null ? defaultValue : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + value + "'", e);
        }
    }
}
