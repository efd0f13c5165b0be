package dev.telemetry.processor.slo.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a burn-rate alert is handled: {@code critical} pages someone now, {@code warning} opens a ticket. */
public enum BurnSeverity {
    CRITICAL, WARNING;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static BurnSeverity fromWireName(String name) {
        for (BurnSeverity severity : values()) {
            if (severity.wireName().equals(name == null ? "" : name.trim().toLowerCase(Locale.ROOT))) {
                return severity;
            }
        }
        throw new IllegalArgumentException("must be one of critical (a page), warning (a ticket)");
    }
}
