package dev.telemetry.gateway.ingest;

import java.time.Duration;
import java.util.List;

/**
 * Every way a request can be refused, as one exception type that the HTTP layer renders ({@code http.ErrorResponses}).
 * It lives here, with the intake that throws most of it, so that {@code http} depends on {@code ingest} and not back.
 * Only {@link #unavailable} is our fault (and still not a 5xx the client can't act on: it carries
 * {@code Retry-After}); everything else is the client's and gets a 4xx naming the problem.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String error;
    private final Duration retryAfter;
    private final List<Rejection> rejected;

    private ApiException(int status, String error, String message, Duration retryAfter, List<Rejection> rejected) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.retryAfter = retryAfter;
        this.rejected = rejected;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, "bad_request", message, null, List.of());
    }

    /** Nothing in the body was valid: the per-item reasons go in the body. */
    public static ApiException allRejected(List<Rejection> rejected) {
        return new ApiException(400, "invalid_events", "no event in the request was valid", null, rejected);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, null, List.of());
    }

    public static ApiException unsupportedMediaType(String contentType) {
        return new ApiException(415, "unsupported_media_type", "Content-Type '" + contentType
                + "' is not accepted; send application/json, application/x-ndjson or text/plain", null, List.of());
    }

    public static ApiException unsupportedEncoding(String encoding) {
        return new ApiException(415, "unsupported_content_encoding", "Content-Encoding '" + encoding
                + "' is not accepted; send gzip or no Content-Encoding", null, List.of());
    }

    /** A browser origin or a preflight that the key's CORS allowlist does not permit. */
    public static ApiException forbidden(String error, String message) {
        return new ApiException(403, error, message, null, List.of());
    }

    public static ApiException rateLimited(String message, Duration retryAfter) {
        return new ApiException(429, "rate_limited", message, retryAfter, List.of());
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(413, "payload_too_large", message, null, List.of());
    }

    /** The client did not send its body within the deadline, or sent it slower than the minimum rate. */
    public static ApiException requestTimeout(String message) {
        return new ApiException(408, "request_timeout", message, null, List.of());
    }

    public static ApiException unavailable(String message, Duration retryAfter) {
        return new ApiException(503, "unavailable", message, retryAfter, List.of());
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public List<Rejection> rejected() {
        return rejected;
    }
}
