package dev.telemetry.service.ops;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;

/** Creates a service's Prometheus registry with JVM and process meters and a {@code service} tag. */
public final class Metrics {

    private Metrics() {
    }

    public static PrometheusMeterRegistry registry(String service) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("service", service);
        // Before any meter is registered: names and help that `promtool check metrics` accepts.
        registry.config().meterFilter(new PrometheusLintFilter());
        registry.config().namingConvention(new PrometheusLintNaming(registry.config().namingConvention()));
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        processCpuSeconds(registry);
        // JvmGcMetrics keeps listeners; it lives as long as the process, like the registry.
        new JvmGcMetrics().bindTo(registry);
        return registry;
    }

    /**
     * The JVM's CPU time as Prometheus names it; ProcessorMetrics reports it in nanoseconds, which
     * {@link PrometheusLintFilter} leaves out.
     */
    private static void processCpuSeconds(PrometheusMeterRegistry registry) {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time used by the Java virtual machine process")
                    .register(registry);
        }
    }
}
