package dev.telemetry.service.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;

/**
 * Prometheus' naming, except that a gauge whose name ends in {@code _count} — which promtool rejects,
 * as it clashes with the {@code _count} of histograms and summaries — is named as a plural:
 * {@code kafka_consumer_connection_count} → {@code kafka_consumer_connections},
 * {@code system_cpu_count} → {@code system_cpus}.
 */
final class PrometheusLintNaming implements NamingConvention {

    private static final String COUNT = "_count";
    private final NamingConvention prometheus;

    PrometheusLintNaming(NamingConvention prometheus) {
        this.prometheus = prometheus;
    }

    @Override
    public String name(String name, Meter.Type type, String baseUnit) {
        String named = prometheus.name(name, type, baseUnit);
        if (type == Meter.Type.GAUGE && named.endsWith(COUNT) && named.length() > COUNT.length()) {
            String counted = named.substring(0, named.length() - COUNT.length());
            return counted.endsWith("s") ? counted : counted + "s";
        }
        return named;
    }

    @Override
    public String tagKey(String key) {
        return prometheus.tagKey(key);
    }

    @Override
    public String tagValue(String value) {
        return prometheus.tagValue(value);
    }
}
