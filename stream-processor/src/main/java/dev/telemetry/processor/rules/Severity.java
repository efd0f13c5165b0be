package dev.telemetry.processor.rules;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How urgent an alert is, in the seed's four levels; the sink routes and inhibits by it. */
public enum Severity {
    LOW, MEDIUM, HIGH, CRITICAL;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Severity fromWireName(String name) {
        return WireNames.parse(Severity.class, name);
    }
}
