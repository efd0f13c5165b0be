package dev.telemetry.processor.stage;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.derived.SloReport;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * How a detector emits: each output to the sink of its kind, findings and alert changes counted, the same way for
 * every detector (the counts are how dropped or emitted data is accounted for); and how a detector with state is
 * supplied to the topology.
 */
public final class DetectorEmitter {

    private final ProcessorContext<String, DetectorOutput> context;
    private final ProcessorMetrics metrics;

    public DetectorEmitter(ProcessorContext<String, DetectorOutput> context, ProcessorMetrics metrics) {
        this.context = context;
        this.metrics = metrics;
    }

    /** A finding (an envelope of a {@link SecurityEvent}) for {@code telemetry.security}. */
    public void finding(Envelope finding, long time) {
        forward(new DetectorOutput.Finding(finding), time);
        metrics.findingEmitted(((SecurityEvent) finding.event()).event());
    }

    /** An alert for {@code telemetry.alerts}. */
    public void alert(AlertEvent alert, long time) {
        forward(new DetectorOutput.Alert(alert), time);
        metrics.alertChanged(alert.status());
    }

    /**
     * An offending item for the event-alert rollup: the per-item alert it replaces would page once per IP or
     * fingerprint (see {@link Offense}).
     */
    public void offense(Offense offense, long time) {
        forward(new DetectorOutput.Offended(offense), time);
    }

    /** One SLO's report after a closed window, for {@code telemetry.slo}. */
    public void sloReport(SloReport report, long time) {
        forward(new DetectorOutput.SloReported(report), time);
    }

    /** A closed minute's count for {@code telemetry.ratelimit}. */
    public void rateLimitCount(RateLimitCount count, long time) {
        forward(new DetectorOutput.RateLimitCounted(count), time);
    }

    /** A supplier of new {@code detector} instances (Kafka Streams wants one per task) connected to {@code stores}. */
    public static ProcessorSupplier<String, Envelope, String, DetectorOutput> supplier(
            Supplier<Processor<String, Envelope, String, DetectorOutput>> detector, StoreBuilder<?>... stores) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, Envelope, String, DetectorOutput> get() {
                return detector.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return Set.of(stores);
            }
        };
    }

    /** To every child: the topology routes each kind to its sink by {@link DetectorOutput#sink()}. */
    private void forward(DetectorOutput output, long time) {
        context.forward(new Record<>(output.key(), output, time));
    }
}
