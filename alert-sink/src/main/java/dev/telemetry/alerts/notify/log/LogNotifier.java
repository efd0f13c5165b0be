package dev.telemetry.alerts.notify.log;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each alert as one line a person can read at a glance, e.g.
 * {@code FIRING HighErrorRate: error_rate mean = 0.07 (threshold > 0.05) severity=high {app=shop} since 2024-05-01T10:00:00Z}.
 * The receiver of the local stack and of anyone who has not configured another one.
 */
public final class LogNotifier implements Notifier {

    private static final Logger LOG = LoggerFactory.getLogger(LogNotifier.class);

    private final String name;
    private final Consumer<String> out;

    /** Writes to this class's logger at INFO. */
    public LogNotifier(String name) {
        this(name, LOG::info);
    }

    /** Writes to {@code out}; tests pass a list's {@code add}. */
    public LogNotifier(String name, Consumer<String> out) {
        this.name = name;
        this.out = out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
        out.accept(line(alert));
        return DeliveryResult.delivered();
    }

    /** The line for {@code alert}. */
    public static String line(AlertEvent alert) {
        StringBuilder line = new StringBuilder()
                .append(alert.status().name()).append(' ')
                .append(alert.rule()).append(": ")
                .append(alert.metric());
        if (alert.stat() != null && !alert.stat().isBlank()) {
            line.append(' ').append(alert.stat());
        }
        line.append(" = ").append(number(alert.value()))
                .append(" (threshold ").append(symbol(alert.operator())).append(' ').append(number(alert.threshold())).append(')');
        if (alert.severity() != null) {
            line.append(" severity=").append(alert.severity());
        }
        Map<String, String> labels = new TreeMap<>(alert.labels());
        // Already in the line: repeating them only makes it longer.
        labels.remove("alertname");
        labels.remove("severity");
        line.append(' ').append(labels);
        line.append(" since ").append(alert.startsAt());
        if (alert.status() == AlertStatus.RESOLVED && alert.endsAt() != null) {
            line.append(" until ").append(alert.endsAt());
        }
        String summary = alert.annotations().get("summary");
        if (summary != null && !summary.isBlank()) {
            line.append(" - ").append(summary);
        }
        return line.append(" [").append(alert.fingerprint()).append(']').toString();
    }

    private static String symbol(String operator) {
        if (operator == null) {
            return "?";
        }
        return switch (operator.toLowerCase(Locale.ROOT)) {
            case "gt" -> ">";
            case "gte" -> ">=";
            case "lt" -> "<";
            case "lte" -> "<=";
            case "eq" -> "==";
            default -> operator;
        };
    }

    /** Shortest exact decimal: {@code 0.07}, not {@code 0.07000000000000001} or {@code 7.0E-2}. */
    private static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    @Override
    public String toString() {
        return name + " (log)";
    }
}
