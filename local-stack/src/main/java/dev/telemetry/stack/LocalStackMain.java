package dev.telemetry.stack;

import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.lifecycle.Shutdown;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./telemetry up}: starts the local stack in the foreground and tells the user where to send
 * data, how to read the results and where the console is. Ctrl-C (or SIGTERM) stops everything cleanly.
 */
public final class LocalStackMain {

    private static final String USAGE = """
            usage: ./telemetry up [--data-dir DIR] [--kafka-port N] [--controller-port N] [--partitions N]
                                  [--gateway-config FILE] [--processor-config FILE] [--sink-config FILE]
                                  [--prober-config FILE] [--console-config FILE]""";

    private LocalStackMain() {
    }

    public static void main(String[] args) {
        // Every service jar ships its own logback.xml for running alone; in one JVM the stack's
        // own file decides. Must be set before the first logger is created.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "local-stack-logback.xml");
        }
        LocalStack.Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("telemetry up: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        LocalStack.Options chosen = options;
        try {
            // The stop hook is in place before anything starts: Ctrl-C during start-up still closes cleanly.
            Shutdown.runUntilStopped("local stack", () -> {
                LocalStack stack = LocalStack.start(chosen);
                System.out.println(banner(stack, writeTokenGenerated(chosen)));
                return () -> {
                    System.out.println("\nStopping: console, prober, gateway (flushing), processor, sink, broker ...");
                    stack.close();
                    System.out.println("Stopped cleanly.");
                };
            });
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("telemetry up: could not start: " + e.getMessage());
            System.exit(1);
        }
    }

    static String banner(LocalStack stack, boolean writeTokenGenerated) {
        int port = stack.gateway().port();
        String kafka = stack.broker().bootstrapServers();
        return """

                ──────────────────────────────────────────────────────────────────────────────
                 Telemetry pipeline is up.

                 Console (open it in a browser):  %6$s
                   overview, web vitals, metrics, alerts, errors, security, synthetic checks,
                   deliveries — updated live
                   %7$s

                 Send a web vital (the seed's sendToAnalytics payload):
                   curl -i -X POST http://localhost:%1$d/api/analytics/vitals \\
                     -H 'Content-Type: application/json' -H 'X-Telemetry-Key: dev-ingest-key' \\
                     -d '{"name":"LCP","value":2400,"id":"v3-1","navigationType":"navigate"}'

                 Read the window summaries (they appear when a window closes: size + grace):
                   ./telemetry read telemetry.summaries
                   kcat -b %2$s -C -t telemetry.summaries        (any Kafka client works)

                 Alerts:   ./telemetry read telemetry.alerts    (the sink also prints them here)
                 Health:   http://localhost:%1$d/api/health   processor http://localhost:%3$d/health   sink http://localhost:%4$d/health
                 Metrics:  http://localhost:%1$d/metrics      processor http://localhost:%3$d/metrics  sink http://localhost:%4$d/metrics
                 Ingest key for local use: dev-ingest-key (app "demo-app")
                 %5$s

                 Ctrl-C stops everything cleanly.
                ──────────────────────────────────────────────────────────────────────────────
                """.formatted(port, kafka, stack.processor().httpPort(), stack.sink().httpPort(), stack.prober() == null
                        ? "Synthetic prober: off (its configuration lists no checks)"
                        : "Synthetic prober: http://localhost:" + stack.prober().opsPort() + "/health (results on telemetry.synthetic)",
                consoleUrl(stack), silences(stack, writeTokenGenerated));
    }

    /**
     * How to silence from the console: the write token to log in with on its alerts page, shown only when this run
     * made it up (a configured one is the user's secret and stays out of the terminal).
     */
    public static String silences(LocalStack stack, boolean writeTokenGenerated) {
        return writeTokenGenerated
                ? "Silences: log in on its Alerts page with this run's write token " + stack.consoleWriteToken()
                        + "\n   (CONSOLE_AUTH_WRITE_TOKEN or auth.write-token in --console-config sets your own)"
                : "Silences: log in on its Alerts page with your write token (auth.write-token)";
    }

    /** Whether the console's configuration leaves the write token blank, so that the stack made one up for this run. */
    public static boolean writeTokenGenerated(LocalStack.Options options) {
        return ConsoleConfig.load(options.consoleArgs(), System.getenv()).auth().writeToken().isBlank();
    }

    /** Where the stack's console answers, as a user opens it. */
    public static String consoleUrl(LocalStack stack) {
        return "http://localhost:" + stack.console().port() + "/";
    }

    static LocalStack.Options parse(String[] args) {
        Path dataDir = Path.of(".local/kafka");
        int kafkaPort = 9092;
        int controllerPort = 9093;
        int partitions = 3;
        List<String> gateway = new ArrayList<>();
        List<String> processor = new ArrayList<>();
        List<String> sink = new ArrayList<>();
        List<String> prober = new ArrayList<>();
        List<String> console = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--data-dir" -> dataDir = Path.of(value);
                case "--kafka-port" -> kafkaPort = number(flag, value, 1, 65535);
                case "--controller-port" -> controllerPort = number(flag, value, 1, 65535);
                case "--partitions" -> partitions = number(flag, value, 1, 1000);
                case "--gateway-config" -> gateway.addAll(List.of("--config", value));
                case "--processor-config" -> processor.addAll(List.of("--config", value));
                case "--sink-config" -> sink.addAll(List.of("--config", value));
                case "--prober-config" -> prober.addAll(List.of("--config", value));
                case "--console-config" -> console.addAll(List.of("--config", value));
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        return new LocalStack.Options(dataDir, kafkaPort, controllerPort, partitions,
                gateway.toArray(String[]::new), processor.toArray(String[]::new), sink.toArray(String[]::new),
                prober.toArray(String[]::new), console.toArray(String[]::new));
    }

    private static int number(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a number, got '" + value + "'");
        }
    }
}
