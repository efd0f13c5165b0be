package dev.telemetry.alerts.notify;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The one place that decides what an HTTP receiver's answer means (Alertmanager's retrier): 2xx is
 * delivered; 408, 429 and 5xx, timeouts and connection failures are retryable, honouring
 * {@code Retry-After}; any other status is permanent. A receiver whose vendor documents a
 * different rule adds it on top of this one instead of copying it.
 */
public final class HttpClassifier {

    /** Response bodies are quoted in reasons for diagnosis, never in full. */
    static final int MAX_BODY_IN_REASON = 200;

    private HttpClassifier() {
    }

    /**
     * Classifies a response.
     *
     * @param retryAfter the {@code Retry-After} header, if any: delay-seconds or an HTTP-date
     * @param body       the start of the response body, quoted in the reason of a failure
     * @param now        the time an HTTP-date is measured from
     */
    public static DeliveryResult classify(int status, Optional<String> retryAfter, String body, Instant now) {
        if (status >= 200 && status < 300) {
            return DeliveryResult.delivered();
        }
        String reason = "HTTP " + status + quote(body);
        // 408: the server gave up waiting for the request (RFC 9110 §15.5.9), so sending it again is the fix.
        if (status == 408 || status == 429 || status >= 500) {
            return new DeliveryResult.Retryable(reason, retryAfter.flatMap(value -> parseRetryAfter(value, now)));
        }
        // 3xx lands here too: redirects are not followed so that credentials in headers stay with the configured host.
        return new DeliveryResult.Permanent(reason);
    }

    /** Classifies a request that got no response. */
    public static DeliveryResult classify(Throwable failure) {
        if (failure instanceof HttpTimeoutException) {
            return new DeliveryResult.Retryable("timed out" + detail(failure));
        }
        if (failure instanceof ConnectException) {
            return new DeliveryResult.Retryable("connection failed" + detail(failure));
        }
        if (failure instanceof InterruptedException) {
            return new DeliveryResult.Retryable("interrupted: the sink is stopping");
        }
        if (failure instanceof IOException) {
            return new DeliveryResult.Retryable("I/O error: " + failure.getClass().getSimpleName() + detail(failure));
        }
        return new DeliveryResult.Permanent("request failed: " + failure.getClass().getSimpleName() + detail(failure));
    }

    /**
     * Parses {@code Retry-After} (RFC 9110 §10.2.3): a number of seconds or an HTTP-date. A date in
     * the past means "now"; anything unparsable is ignored rather than trusted.
     */
    public static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.strip();
        if (text.chars().allMatch(Character::isDigit)) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(text)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String quote(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > MAX_BODY_IN_REASON ? oneLine.substring(0, MAX_BODY_IN_REASON) + "…" : oneLine);
    }

    private static String detail(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? "" : ": " + message;
    }
}
