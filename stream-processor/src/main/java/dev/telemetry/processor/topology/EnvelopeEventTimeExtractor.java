package dev.telemetry.processor.topology;

import dev.telemetry.events.Envelope;
import dev.telemetry.processor.intake.Decoded;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Makes an envelope's {@code eventTime} the record time, so windows follow when things happened in the
 * browser or server, not when they reached Kafka. The gateway already clamped implausible client clocks.
 * Used on the topology's inputs: {@code telemetry.metrics}, {@code telemetry.vitals}, {@code telemetry.actions}.
 */
public final class EnvelopeEventTimeExtractor implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof Decoded decoded && !decoded.isPoison()) {
            return decoded.envelope().eventTime().toEpochMilli();
        }
        if (record.value() instanceof Envelope envelope) {
            return envelope.eventTime().toEpochMilli();
        }
        // Not an envelope (a poison record, a tombstone): when it reached Kafka, which the audit counts it under.
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
    }
}
