package dev.telemetry.stack.demo;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.lifecycle.Shutdown;
import dev.telemetry.stack.LocalStack;
import dev.telemetry.stack.LocalStackMain;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code ./telemetry demo}: starts the local stack with the demo's configuration (10 s windows, one
 * alert rule), plays a small shop's traffic through the gateway and narrates what comes out, so that
 * within two minutes a newcomer has seen summaries, a rate-limit finding, and an alert fire and
 * resolve. The broker's data and the processor's state live in {@code .local/demo}, deleted when
 * Ctrl-C stops the demo.
 */
public final class DemoMain {

    private DemoMain() {
    }

    public static void main(String[] args) {
        if (args.length > 0) {
            System.err.println("usage: ./telemetry demo      (no options: it uses ports 8080-8084, 9092 and 9093)");
            System.exit(2);
        }
        // Must be set before the first logger is created: the services only log problems.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "demo/logback.xml");
        }
        PrintStream out = System.out;
        DemoPace pace = DemoPace.newcomer();
        // Under .local/ (ignored by git, emptied by ./telemetry reset), not the OS temp directory, which
        // Kafka Streams warns about for its state.
        Path dir = Path.of(".local", "demo");
        deleteQuietly(dir);
        try {
            Shutdown.runUntilStopped("demo", () -> start(dir, pace, out));
        } catch (ConfigException e) {
            System.err.println("configuration error: " + e.getMessage());
            System.exit(2);
        } catch (RuntimeException e) {
            System.err.println("telemetry demo: could not start: " + e.getMessage());
            deleteQuietly(dir);
            System.exit(1);
        }
    }

    private static AutoCloseable start(Path dir, DemoPace pace, PrintStream out) {
        out.println(intro(pace));
        LocalStack.Options options = options(dir, pace, 9092, 9093, Map.of(), Map.of(), Map.of(), Map.of());
        LocalStack stack = LocalStack.start(options);
        out.println(started(stack, LocalStackMain.writeTokenGenerated(options)));
        DemoNarrator narrator = new DemoNarrator(stack.broker().bootstrapServers(), TopicCatalogue.defaults(), out,
                LocalStackMain.consoleUrl(stack)).start();
        DemoTraffic traffic = new DemoTraffic(URI.create("http://localhost:" + stack.gateway().port()), "dev-ingest-key",
                pace, out).start();
        return () -> {
            out.println("\nStopping: traffic, narrator, console, prober, gateway (flushing), processor, sink, broker ...");
            traffic.close();
            narrator.close();
            stack.close();
            deleteQuietly(dir);
            out.println("Stopped cleanly.");
        };
    }

    /**
     * The stack's options for the demo: the demo's configuration files written to {@code dir} with the
     * pace's windows, a state directory in {@code dir}, every service pointed at the stack's broker, and
     * whatever a caller lays over each file.
     */
    static LocalStack.Options options(Path dir, DemoPace pace, int kafkaPort, int controllerPort,
                                      Map<String, Object> gateway, Map<String, Object> processor, Map<String, Object> sink,
                                      Map<String, Object> prober) {
        return options(dir, pace, kafkaPort, controllerPort, gateway, processor, sink, prober, Map.of());
    }

    /** The same with overrides of the console's configuration too. */
    static LocalStack.Options options(Path dir, DemoPace pace, int kafkaPort, int controllerPort,
                                      Map<String, Object> gateway, Map<String, Object> processor, Map<String, Object> sink,
                                      Map<String, Object> prober, Map<String, Object> console) {
        Map<String, Object> kafka = Map.of("bootstrap-servers", "localhost:" + kafkaPort);
        Map<String, Object> processorBase = new LinkedHashMap<>(Map.of(
                "kafka", kafka,
                "state-dir", dir.resolve("processor-state").toString(),
                "windows", Map.of("size", DemoConfigs.duration(pace.window()), "grace", DemoConfigs.duration(pace.grace()))));
        processorBase.putAll(processor);
        return new LocalStack.Options(dir.resolve("kafka"), kafkaPort, controllerPort, 3,
                new String[] {"--config", DemoConfigs.write(dir, "gateway.yaml", with(kafka, gateway)).toString()},
                new String[] {"--config", DemoConfigs.write(dir, "processor.yaml", processorBase).toString()},
                new String[] {"--config", DemoConfigs.write(dir, "sink.yaml", with(kafka, sink)).toString()},
                // The prober talks to the gateway over HTTP only: its config has no kafka section.
                new String[] {"--config", DemoConfigs.write(dir, "prober.yaml", prober).toString()},
                new String[] {"--config", DemoConfigs.write(dir, "console.yaml", with(kafka, console)).toString()});
    }

    private static Map<String, Object> with(Map<String, Object> kafka, Map<String, Object> overrides) {
        Map<String, Object> all = new LinkedHashMap<>(overrides);
        all.putIfAbsent("kafka", kafka);
        return all;
    }

    /** What the demo says once the stack is up: the services' ports and the console's URL. */
    static String started(LocalStack stack, boolean writeTokenGenerated) {
        return """
                Broker, topics, gateway (:%d), processor (:%d), alert sink (:%d) and console are up.
                Open the console in a browser to watch the same story as charts and tables, updated live:
                  %s
                  %s
                Traffic starts now.
                """.formatted(stack.gateway().port(), stack.processor().httpPort(), stack.sink().httpPort(),
                LocalStackMain.consoleUrl(stack), LocalStackMain.silences(stack, writeTokenGenerated).replace("\n   ", "\n    "));
    }

    private static String intro(DemoPace pace) {
        return """

                ──────────────────────────────────────────────────────────────────────────────
                 Telemetry demo: a small shop's traffic through the whole pipeline.

                 Every %1$d s a page view's web vitals, user actions, now and then a JavaScript or
                 network error, and the app server's request logs go to the gateway (HTTP, as real
                 clients send them). Summary windows are %2$d s long here (a minute normally).
                 Two things go wrong on purpose:
                   • about %3$d s in, one IP (%4$s) floods /api/search: over 100 requests a minute
                   • from about %5$d s to %6$d s, /api/checkout is slow (p95 over the 1 s of rule %7$s)
                 Below, read from Kafka as they happen: summaries as windows close, the rate-limit
                 finding, the alert firing and then resolving, and the alert sink's deliveries.
                 Starting the broker and the services ...
                ──────────────────────────────────────────────────────────────────────────────
                """.formatted(pace.tick().toSeconds(), pace.window().toSeconds(), pace.abuseStart().toSeconds(),
                DemoTraffic.ABUSIVE_IP, pace.slowStart().toSeconds(), pace.slowEnd().toSeconds(), DemoNarrator.RULE);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A temporary directory left behind is not worth failing the stop for.
        }
    }
}
