package dev.telemetry.alerts.nflog;

import org.apache.kafka.common.KafkaException;

/**
 * The journal's records are not all written yet (the broker is away): the caller must not commit
 * the offsets they cover, and tries again later. Nothing was lost; the journal sends them again.
 */
public final class JournalUnavailableException extends KafkaException {

    public JournalUnavailableException(String message) {
        super(message);
    }
}
