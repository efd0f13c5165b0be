package dev.telemetry.alerts.notify;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** The outcome of one delivery attempt: delivered, worth retrying, or never going to work. */
public sealed interface DeliveryResult {

    /** Low-cardinality name used as the {@code outcome} metric tag. */
    String outcome();

    /** The receiver accepted the notification. */
    record Delivered() implements DeliveryResult {
        @Override
        public String outcome() {
            return "delivered";
        }
    }

    /**
     * A transient failure (overload, outage, timeout). {@code retryAfter} is the receiver's own
     * request, e.g. from {@code Retry-After}; the reason never contains a secret.
     */
    record Retryable(String reason, Optional<Duration> retryAfter) implements DeliveryResult {
        public Retryable {
            Objects.requireNonNull(reason, "reason");
            retryAfter = retryAfter == null ? Optional.empty() : retryAfter;
        }

        public Retryable(String reason) {
            this(reason, Optional.empty());
        }

        @Override
        public String outcome() {
            return "retryable";
        }
    }

    /** The receiver rejected the notification for good (bad request, gone, unauthorised). */
    record Permanent(String reason) implements DeliveryResult {
        public Permanent {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String outcome() {
            return "permanent";
        }
    }

    static DeliveryResult delivered() {
        return new Delivered();
    }
}
