package dev.telemetry.processor.intake;

/**
 * The app a record that is not an envelope is counted under: its key up to the first {@code |} (the gateway keys
 * raw records {@code app|series}), at most 200 characters, {@code unknown} without one. The audit's auditor applies
 * the same rule; it is part of the audit's contract (docs/schemas/telemetry.audit.schema.json).
 */
public final class PoisonApp {

    public static final String UNKNOWN = "unknown";
    private static final int MAX_LENGTH = 200;

    private PoisonApp() {
    }

    public static String of(String key) {
        if (key == null) {
            return UNKNOWN;
        }
        int bar = key.indexOf('|');
        String app = bar < 0 ? key : key.substring(0, bar);
        if (app.length() > MAX_LENGTH) {
            app = app.substring(0, MAX_LENGTH);
        }
        app = app.replace('\0', '?');
        return app.isBlank() ? UNKNOWN : app;
    }
}
