package dev.telemetry.console.refusal;

/**
 * A request the console refuses or cannot serve, with the HTTP status that says why and a stable error code:
 * answered as {@code {"error": code, "message": message}}. Messages never carry a secret (tokens, cookies).
 */
public final class ApiError extends RuntimeException {

    private final int status;
    private final String error;

    public ApiError(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
