package dev.telemetry.alerts.dispatch;

import dev.telemetry.alerts.notify.DeliveryResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sink's delivery meters, created up front per receiver so that a receiver that never failed
 * still shows {@code 0} failures: {@code alerts.notifications{receiver,outcome}},
 * {@code alerts.delivery.latency{receiver}}, {@code alerts.skipped{reason}}, and the storm limit's
 * {@code alerts.storm.folded{receiver}} (groups folded) and {@code alerts.storm.active{receiver}} (1 in storm mode).
 */
public final class DeliveryMetrics {

    /**
     * Why a record (or one receiver's notification of it) was not sent: status pending, not an
     * alert, empty value, no receiver, silenced, inhibited, already in the notification log, or a
     * resolution of a firing this receiver never got.
     */
    public enum Skip { PENDING, INVALID, EMPTY, UNROUTED, SILENCED, INHIBITED, DUPLICATE, RESOLVED_UNNOTIFIED;

        /** The reason a mute of {@code kind} is counted under. */
        public static Skip of(dev.telemetry.alerts.mute.Mute.Kind kind) {
            return switch (kind) {
                case SILENCED -> SILENCED;
                case INHIBITED -> INHIBITED;
            };
        }
    }

    /** Low-cardinality reasons of failed attempts, for {@code alerts.notifications.failed{receiver,reason}}. */
    public enum FailureReason { TIMEOUT, CONNECTION, HTTP_429, HTTP_5XX, HTTP_4XX, MAX_AGE, OTHER;

        static FailureReason of(String reason) {
            String text = reason == null ? "" : reason;
            if (text.startsWith("HTTP 429")) {
                return HTTP_429;
            }
            if (text.startsWith("HTTP 5")) {
                return HTTP_5XX;
            }
            if (text.startsWith("HTTP 4")) {
                return HTTP_4XX;
            }
            if (text.startsWith("timed out")) {
                return TIMEOUT;
            }
            if (text.startsWith("connection")) {
                return CONNECTION;
            }
            return OTHER;
        }

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final List<String> OUTCOMES = List.of("delivered", "retryable", "permanent");

    private final Map<String, Counter> notifications = new HashMap<>();
    private final Map<String, Timer> latency = new HashMap<>();
    private final Map<Skip, Counter> skipped = new HashMap<>();
    private final Map<String, Counter> failed = new HashMap<>();
    private final Map<String, Counter> folded = new HashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> storm = new HashMap<>();

    public DeliveryMetrics(MeterRegistry registry, Collection<String> receivers) {
        for (String receiver : receivers) {
            for (String outcome : OUTCOMES) {
                notifications.put(receiver + "/" + outcome, Counter.builder("alerts.notifications")
                        .description("Delivery attempts by receiver and outcome")
                        .tag("receiver", receiver).tag("outcome", outcome).register(registry));
            }
            latency.put(receiver, Timer.builder("alerts.delivery.latency")
                    .description("Duration of one delivery attempt")
                    .tag("receiver", receiver).register(registry));
            folded.put(receiver, Counter.builder("alerts.storm.folded")
                    .description("Groups folded into a storm notification, over the receiver's storm limit")
                    .tag("receiver", receiver).register(registry));
            storm.put(receiver, registry.gauge("alerts.storm.active", List.of(io.micrometer.core.instrument.Tag.of("receiver", receiver)),
                    new java.util.concurrent.atomic.AtomicInteger()));
            for (FailureReason reason : FailureReason.values()) {
                failed.put(receiver + "/" + reason.tag(), Counter.builder("alerts.notifications.failed")
                        .description("Failed delivery attempts by receiver and reason")
                        .tag("receiver", receiver).tag("reason", reason.tag()).register(registry));
            }
        }
        for (Skip reason : Skip.values()) {
            skipped.put(reason, Counter.builder("alerts.skipped")
                    .description("Alert records consumed without a notification")
                    .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
    }

    void attempted(String receiver, DeliveryResult result, Duration took) {
        Counter counter = notifications.get(receiver + "/" + result.outcome());
        if (counter != null) {
            counter.increment();
        }
        String reason = result instanceof DeliveryResult.Retryable r ? r.reason()
                : result instanceof DeliveryResult.Permanent p ? p.reason() : null;
        if (reason != null) {
            failed(receiver, FailureReason.of(reason));
        }
        Timer timer = latency.get(receiver);
        if (timer != null) {
            timer.record(took);
        }
    }

    void failed(String receiver, FailureReason reason) {
        Counter counter = failed.get(receiver + "/" + reason.tag());
        if (counter != null) {
            counter.increment();
        }
    }

    void folded(String receiver) {
        Counter counter = folded.get(receiver);
        if (counter != null) {
            counter.increment();
        }
    }

    void storm(String receiver, boolean active) {
        java.util.concurrent.atomic.AtomicInteger gauge = storm.get(receiver);
        if (gauge != null) {
            gauge.set(active ? 1 : 0);
        }
    }

    void skipped(Skip reason) {
        skipped.get(reason).increment();
    }
}
