package dev.telemetry.prober;

import dev.telemetry.prober.browser.BrowserJourney;
import dev.telemetry.prober.browser.Chromium;
import dev.telemetry.prober.check.Check;
import dev.telemetry.prober.check.CheckResult;
import dev.telemetry.prober.check.CheckScheduler;
import dev.telemetry.prober.check.HttpCheck;
import dev.telemetry.prober.config.CheckConfig;
import dev.telemetry.prober.config.ProberConfig;
import dev.telemetry.prober.report.GatewayReporter;
import dev.telemetry.service.ops.ErrorReporter;
import dev.telemetry.service.ops.Health;
import dev.telemetry.service.ops.Metrics;
import dev.telemetry.service.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running prober: the configured checks on their schedules, each result posted to the gateway, and
 * the operations endpoint. {@code /health} is degraded while the gateway refuses or cannot be reached
 * (results are being lost); failing checks are the probed service's problem, shown per check.
 */
public final class Prober implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Prober.class);

    private final GatewayReporter reporter;
    private final CheckScheduler scheduler;
    private final OpsServer ops;
    private final ErrorReporter errors;

    private Prober(GatewayReporter reporter, CheckScheduler scheduler, OpsServer ops, ErrorReporter errors) {
        this.reporter = reporter;
        this.scheduler = scheduler;
        this.ops = ops;
        this.errors = errors;
    }

    /** Starts the checks and the operations endpoint; the configuration is already validated. */
    public static Prober start(ProberConfig config) {
        return start(config, ErrorReporter.fromEnvironment(System.getenv(), "synthetic-prober", version()));
    }

    /** As {@link #start(ProberConfig)}, with our own unexpected exceptions going to {@code errors}. */
    public static Prober start(ProberConfig config, ErrorReporter errors) {
        PrometheusMeterRegistry registry = Metrics.registry("synthetic-prober");
        Chromium chromium = new Chromium(Path.of(config.browser().chromedriver()), Path.of(config.browser().chromium()));
        List<CheckScheduler.Scheduled> checks = config.checks().stream()
                .map(c -> new CheckScheduler.Scheduled(check(c, chromium), c.interval(), c.timeout()))
                .toList();
        URI endpoint = config.gateway().syntheticEndpoint();
        GatewayReporter reporter = new GatewayReporter(endpoint, config.gateway().key(), config.gateway().timeout(), registry);
        CheckScheduler scheduler = new CheckScheduler(checks, reporter, registry, Clock.systemUTC(), errors);
        OpsServer ops = null;
        try {
            ops = new OpsServer(config.http().host(), config.http().port(), version(), registry,
                    () -> health(reporter, scheduler));
            ops.start();
            scheduler.start();
        } catch (RuntimeException e) {
            scheduler.close();
            reporter.close();
            if (ops != null) ops.close();
            errors.close();
            throw e;
        }
        LOG.info("synthetic prober: {} check(s), results to {}", checks.size(), endpoint);
        return new Prober(reporter, scheduler, ops, errors);
    }

    /** The check a configuration entry describes. */
    static Check check(CheckConfig config, Chromium chromium) {
        return switch (config.type()) {
            case HTTP -> new HttpCheck(config.name(), URI.create(config.url().strip()), config.method(),
                    config.expectedStatus(), config.bodyContains(), config.latencyBudget(), config.timeout());
            case BROWSER -> new BrowserJourney(config.name(), config.journey(), config.timeout(), chromium);
        };
    }

    private static Health health(GatewayReporter reporter, CheckScheduler scheduler) {
        GatewayReporter.LastPost last = reporter.lastPost();
        Map<String, Object> details = new LinkedHashMap<>();
        Map<String, Object> checks = new LinkedHashMap<>();
        for (CheckScheduler.Status status : scheduler.statuses()) {
            CheckResult latest = status.latest();
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("state", latest == null ? "pending" : latest.success() ? "passing" : "failing");
            if (latest != null) {
                shown.put("consecutiveFailures", latest.consecutiveFailures());
                shown.put("lastRun", latest.timestamp().toString());
                if (latest.error() != null) shown.put("lastError", latest.error());
            }
            checks.put(status.check(), shown);
        }
        details.put("checks", checks);
        if (last != null && !last.accepted()) {
            details.put("gatewayError", last.error());
        }
        return Health.of(Map.of("gateway", last == null || last.accepted()), details);
    }

    private static String version() {
        String version = Prober.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /** Where {@code /health} and {@code /metrics} listen (useful with port 0). */
    public int opsPort() {
        return ops.port();
    }

    /** Stops the checks (runs in progress are interrupted and not reported), posts what is queued, closes the endpoint. */
    @Override
    public void close() {
        scheduler.close();
        reporter.close();
        ops.close();
        errors.close();
    }
}
