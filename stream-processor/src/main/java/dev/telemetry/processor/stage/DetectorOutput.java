package dev.telemetry.processor.stage;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.serde.JsonSerde;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the per-event detectors (rate limit, injection checks, reported security events, error alerts) forward. They
 * share sinks, and a sink with several parents takes one value type: this closed type, rather than {@code Object},
 * lets each sink have a typed serializer, and each kind names the one sink (or repartition) it goes to, so a
 * detector cannot send a finding to the alerts topic.
 */
public sealed interface DetectorOutput {

    /** The topology's sink of {@code telemetry.security} findings; its name keeps the sink stable across versions. */
    String FINDINGS_SINK = "findings-sink";
    /** The topology's sink of event alerts on {@code telemetry.alerts}. */
    String EVENT_ALERTS_SINK = "event-alerts-sink";
    /** The topology's sink of {@code telemetry.ratelimit}. */
    String RATELIMIT_SINK = "ratelimit-sink";
    /**
     * The repartition that takes offending items to the event-alert rollup, keyed by rule and app
     * ({@code <application.id>-event-offenses-by-rule-repartition}).
     */
    String OFFENSES_REPARTITION = "event-offenses-by-rule";

    /** The topology's sink of {@code telemetry.slo}. */
    String SLO_SINK = "slo-sink";

    /** The sink of this kind of output (a child of every detector that emits it). */
    String sink();

    /** The record key on the output topic. */
    String key();

    /** A security finding for {@code telemetry.security}. */
    record Finding(Envelope envelope) implements DetectorOutput {
        @Override
        public String sink() {
            return FINDINGS_SINK;
        }

        @Override
        public String key() {
            return envelope.key();
        }
    }

    /** An alert for {@code telemetry.alerts}. */
    record Alert(AlertEvent alert) implements DetectorOutput {
        @Override
        public String sink() {
            return EVENT_ALERTS_SINK;
        }

        @Override
        public String key() {
            return alert.fingerprint();
        }
    }

    /** A closed minute's request count for {@code telemetry.ratelimit}. */
    record RateLimitCounted(RateLimitCount count) implements DetectorOutput {
        @Override
        public String sink() {
            return RATELIMIT_SINK;
        }

        @Override
        public String key() {
            return count.key();
        }
    }

    /** One SLO's report after a closed window, for {@code telemetry.slo}. */
    record SloReported(SloReport report) implements DetectorOutput {
        @Override
        public String sink() {
            return SLO_SINK;
        }

        @Override
        public String key() {
            return report.key();
        }
    }

    /** An offending item for the event-alert rollup (see {@link Offense}). */
    record Offended(Offense offense) implements DetectorOutput {
        @Override
        public String sink() {
            return OFFENSES_REPARTITION;
        }

        @Override
        public String key() {
            return offense.rollupKey();
        }
    }

    /** The serializer of the findings sink. */
    static Serializer<DetectorOutput> findings() {
        return unwrapping(Finding.class, Finding::envelope, JsonSerde.envelope().serializer());
    }

    /** The serializer of the event alerts sink. */
    static Serializer<DetectorOutput> alerts() {
        return unwrapping(Alert.class, Alert::alert, JsonSerde.alert().serializer());
    }

    /** The serializer of the SLO reports sink. */
    static Serializer<DetectorOutput> sloReports() {
        return unwrapping(SloReported.class, SloReported::report, JsonSerde.sloReport().serializer());
    }

    /** The serializer of the rate-limit counts sink. */
    static Serializer<DetectorOutput> rateLimitCounts() {
        return unwrapping(RateLimitCounted.class, RateLimitCounted::count, JsonSerde.rateLimitCount().serializer());
    }

    private static <T extends DetectorOutput, V> Serializer<DetectorOutput> unwrapping(Class<T> kind, Function<T, V> value,
                                                                                        Serializer<V> serializer) {
        return (topic, output) -> {
            if (output == null) {
                return serializer.serialize(topic, null);
            }
            // Only a wiring mistake gets here: every kind forwards to its own sink (see DetectorEmitter).
            if (!kind.isInstance(output)) {
                throw new IllegalStateException(output.getClass().getSimpleName() + " sent to the sink of "
                        + kind.getSimpleName());
            }
            return serializer.serialize(topic, value.apply(kind.cast(output)));
        };
    }
}
