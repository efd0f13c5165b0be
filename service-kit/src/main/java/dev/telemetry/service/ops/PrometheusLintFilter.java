package dev.telemetry.service.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import java.util.Arrays;
import java.util.Set;

/**
 * Keeps every service's /metrics clean under {@code promtool check metrics}, with
 * {@link PrometheusLintNaming}. The meters it touches are almost all Kafka client meters, whose names
 * come from Kafka's metric names ({@code io-time-ns-total}, {@code connection-count}), some without a
 * description:
 * <ul>
 *   <li>a meter in a unit Prometheus does not accept (its name or base unit says ns, ms, kb, ...) is
 *       left out: promtool wants seconds and bytes, and a filter can rename but not rescale. Kafka
 *       exposes the same information as ratios ({@code io_ratio}, {@code io_wait_ratio},
 *       {@code bufferpool_wait_ratio}); the JVM's CPU time is re-registered in seconds by
 *       {@link Metrics} as {@code process_cpu_seconds_total}, Prometheus' standard name;</li>
 *   <li>a meter without a description gets its name as help text.</li>
 * </ul>
 * Names are never changed here: Micrometer's Kafka binder finds its meters again by name, and would
 * register a renamed one anew every minute. {@link PrometheusLintNaming} renames on the way out.
 */
final class PrometheusLintFilter implements MeterFilter {

    /** Units promtool rejects, as Kafka and Micrometer abbreviate or spell them. */
    private static final Set<String> NON_BASE_UNITS = Set.of(
            "ns", "us", "ms", "nanoseconds", "microseconds", "milliseconds", "kb", "mb", "gb");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        boolean nonBaseUnit = id.getBaseUnit() != null && NON_BASE_UNITS.contains(id.getBaseUnit().toLowerCase())
                || Arrays.stream(id.getName().split("\\.")).anyMatch(NON_BASE_UNITS::contains);
        return nonBaseUnit ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String description = id.getDescription();
        if (description != null && !description.isBlank()) {
            return id;
        }
        return new Meter.Id(id.getName(), Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), id.getName(), id.getType());
    }
}
