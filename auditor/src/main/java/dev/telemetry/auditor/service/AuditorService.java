package dev.telemetry.auditor.service;

import dev.telemetry.service.ops.Health;
import dev.telemetry.service.ops.Metrics;
import dev.telemetry.service.ops.OpsServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/**
 * The auditor as a service: the {@linkplain LiveAuditor live audit} and its operations endpoint ({@code /health},
 * {@code /metrics}). {@code java -jar auditor.jar serve [--config auditor.yaml]}; started by {@code ./telemetry up}.
 */
public final class AuditorService implements AutoCloseable {

    private final LiveAuditor auditor;
    private final OpsServer ops;

    private AuditorService(LiveAuditor auditor, OpsServer ops) {
        this.auditor = auditor;
        this.ops = ops;
    }

    public static AuditorService start(AuditorConfig config) {
        PrometheusMeterRegistry registry = Metrics.registry("auditor");
        LiveAuditor auditor = LiveAuditor.start(config, registry);
        OpsServer ops = null;
        try {
            ops = new OpsServer(config.http().host(), config.http().port(), version(), registry,
                    () -> Health.of(Map.of("auditing", auditor.healthy()), auditor.details()));
            ops.start();
            return new AuditorService(auditor, ops);
        } catch (RuntimeException e) {
            auditor.close();
            if (ops != null) {
                ops.close();
            }
            throw e;
        }
    }

    /** What {@code /health} shows: windows matched and mismatched so far, alerts firing. */
    public Map<String, Object> details() {
        return auditor.details();
    }

    public int httpPort() {
        return ops.port();
    }

    private static String version() {
        String version = AuditorService.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    @Override
    public void close() {
        auditor.close();
        ops.close();
    }
}
