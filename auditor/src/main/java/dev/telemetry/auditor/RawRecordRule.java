package dev.telemetry.auditor;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;

/**
 * Which app and time a raw record counts under, as the audit's contract (docs/schemas/telemetry.audit.schema.json)
 * defines it: an envelope's app and event time; for a record that is not an envelope, the app its key names (up to
 * the first {@code |}, at most 200 characters, {@code unknown} without one) and its Kafka timestamp. Written here
 * again, not shared with the processor, so that a bug on one side shows as a mismatch instead of hiding on both.
 */
final class RawRecordRule {

    static final String UNKNOWN = "unknown";
    private static final int MAX_APP = 200;

    private final JsonCodec codec = JsonCodec.standard();

    /** App and time of a record. */
    record Counted(String app, long time) {
    }

    Counted of(byte[] key, byte[] value, long timestamp) {
        if (value != null) {
            try {
                Envelope envelope = codec.readEnvelope(value);
                return new Counted(envelope.app(), envelope.eventTime().toEpochMilli());
            } catch (InvalidJsonException e) {
                // not an envelope: counted as the processor dead-letters it
            }
        }
        return new Counted(poisonApp(key), Math.max(timestamp, 0));
    }

    static String poisonApp(byte[] key) {
        if (key == null) {
            return UNKNOWN;
        }
        String text = new String(key, java.nio.charset.StandardCharsets.UTF_8);
        int bar = text.indexOf('|');
        String app = bar < 0 ? text : text.substring(0, bar);
        if (app.length() > MAX_APP) {
            app = app.substring(0, MAX_APP);
        }
        app = app.replace('\0', '?');
        return app.isBlank() ? UNKNOWN : app;
    }
}
