package dev.telemetry.events.codec;

/** The bytes are not acceptable JSON; the message says why and where, in words a client can act on. */
public final class InvalidJsonException extends Exception {

    public InvalidJsonException(String message, Throwable cause) {
        super(message, cause);
    }
}
