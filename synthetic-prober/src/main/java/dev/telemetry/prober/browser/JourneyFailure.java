package dev.telemetry.prober.browser;

/** A journey step could not complete; the message says what the page showed instead. */
public final class JourneyFailure extends RuntimeException {

    public JourneyFailure(String message) {
        super(message, null, false, false);
    }
}
