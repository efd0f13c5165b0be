package dev.telemetry.processor;

import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.processor.slo.SloBackfill;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.service.config.ConfigException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code ./telemetry slo backfill NAME}: loads the processor's configuration, finds the SLO, checks that Kafka
 * answers, and runs {@link SloBackfill}. Kept apart from {@code slo/} so that the SLO stage does not depend on the
 * processor's configuration loading.
 */
public final class SloBackfillMain {

    private SloBackfillMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * {@code NAME [--config processor.yaml] [--timeout 10s]}; exit 0 when done, 1 when Kafka cannot be used,
     * 2 for a usage or configuration error (an unknown SLO names the known ones).
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        String name = null;
        List<String> configArgs = new ArrayList<>();
        Duration timeout = Duration.ofSeconds(10);
        for (int i = 0; i < rest.size(); i++) {
            String arg = rest.get(i);
            if ((arg.equals("--config") || arg.equals("--timeout")) && i + 1 < rest.size()) {
                if (arg.equals("--config")) {
                    configArgs.add(arg);
                    configArgs.add(rest.get(++i));
                } else {
                    timeout = dev.telemetry.service.config.Durations.parse(rest.get(++i));
                }
            } else if (!arg.startsWith("--") && name == null) {
                name = arg;
            } else {
                err.println("usage: ./telemetry slo backfill NAME [--config processor.yaml]");
                return 2;
            }
        }
        if (name == null) {
            err.println("usage: ./telemetry slo backfill NAME [--config processor.yaml]");
            return 2;
        }
        ProcessorConfig config;
        try {
            config = ProcessorConfig.load(configArgs.toArray(String[]::new));
        } catch (ConfigException e) {
            err.println("configuration error: " + e.getMessage());
            return 2;
        }
        ProcessorSettings settings = config.settings();
        String wanted = name;
        Slo slo = settings.slos().stream().filter(s -> s.name().equals(wanted)).findFirst().orElse(null);
        if (slo == null) {
            String known = settings.slos().stream().map(Slo::name).collect(Collectors.joining(", "));
            err.println("unknown SLO '" + name + "'; configured SLOs: " + (known.isEmpty() ? "(none)" : known));
            return 2;
        }
        String bootstrap = config.kafka().bootstrapServers();
        Properties common = new Properties();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(withTimeouts(common, timeout))) {
            admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            err.println("cannot reach Kafka at " + bootstrap + " within " + timeout.toSeconds()
                    + " s: is the stack up (./telemetry up)?");
            return 1;
        }
        try {
            return SloBackfill.backfill(bootstrap, config.applicationId(), settings, slo, out, timeout);
        } catch (RuntimeException e) {
            err.println("backfill of SLO '" + slo.name() + "' failed: " + e);
            return 1;
        }
    }

    private static Properties withTimeouts(Properties base, Duration timeout) {
        Properties p = new Properties();
        p.putAll(base);
        int ms = (int) timeout.toMillis();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        return p;
    }
}
