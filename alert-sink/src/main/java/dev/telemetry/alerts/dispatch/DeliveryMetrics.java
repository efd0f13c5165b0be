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
 * {@code alerts.delivery.latency{receiver}} and {@code alerts.skipped{reason}}.
 */
public final class DeliveryMetrics {

    /** Why a record was not notified: status pending, not an alert, empty value, no receiver. */
    public enum Skip { PENDING, INVALID, EMPTY, UNROUTED }

    private static final List<String> OUTCOMES = List.of("delivered", "retryable", "permanent");

    private final Map<String, Counter> notifications = new HashMap<>();
    private final Map<String, Timer> latency = new HashMap<>();
    private final Map<Skip, Counter> skipped = new HashMap<>();

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
        Timer timer = latency.get(receiver);
        if (timer != null) {
            timer.record(took);
        }
    }

    void skipped(Skip reason) {
        skipped.get(reason).increment();
    }
}
