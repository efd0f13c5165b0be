package dev.telemetry.processor.intake;

import dev.telemetry.events.Envelope;

/**
 * A raw record's value as the topology's sources read it: the envelope, or, for a record that is not one (a
 * poison record), its bytes and why it could not be read. Reading never fails, so every record consumed reaches
 * the topology, and the audit can count the poison ones as dead-lettered (a deserialization handler could only
 * log them).
 */
public record Decoded(Envelope envelope, byte[] poison, String problem) {

    public static Decoded of(Envelope envelope) {
        return new Decoded(envelope, null, null);
    }

    public static Decoded poison(byte[] bytes, String problem) {
        return new Decoded(null, bytes, problem);
    }

    public boolean isPoison() {
        return envelope == null;
    }
}
