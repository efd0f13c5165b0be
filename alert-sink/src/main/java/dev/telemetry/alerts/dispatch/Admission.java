package dev.telemetry.alerts.dispatch;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The first stage: what one consumed record of {@code telemetry.alerts} is to the sink. Pure (no
 * clock, no I/O), so every kind of record is tested without Kafka.
 */
public final class Admission {

    /** What to do with one record. */
    public sealed interface Decision {
        /** The alert read from the record, or null when there is none. */
        AlertEvent alert();
    }

    /** An alert to mute, route and notify. */
    public record Notify(AlertEvent alert) implements Decision {
    }

    /**
     * A record that needs no notification but still holds its place in commit order. With a
     * {@code deadLetter} reason, the dead-letter topic keeps the account of a record the sink cannot
     * read; {@code alert}, when there is one, is still observed (pending alerts matter to inhibition).
     */
    public record Skip(DeliveryMetrics.Skip reason, String deadLetter, AlertEvent alert) implements Decision {
    }

    private final Deserializer<AlertEvent> reader = JsonSerde.alert().deserializer();

    /** The decision about a record {@code value} read from {@code topic}. */
    public Decision admit(String topic, byte[] value) {
        if (value == null) {
            return new Skip(DeliveryMetrics.Skip.EMPTY, null, null);
        }
        AlertEvent alert;
        try {
            alert = reader.deserialize(topic, value);
        } catch (SerializationException e) {
            // A poison record must not block the partition.
            return new Skip(DeliveryMetrics.Skip.INVALID, "unreadable alert record: " + e.getMessage(), null);
        }
        if (alert.status() == null) {
            return new Skip(DeliveryMetrics.Skip.INVALID, "alert has no status", alert);
        }
        if (alert.status() == AlertStatus.PENDING) {
            // Alertmanager notifies firing and resolved only; pending is the processor's business.
            return new Skip(DeliveryMetrics.Skip.PENDING, null, alert);
        }
        return new Notify(alert);
    }
}
