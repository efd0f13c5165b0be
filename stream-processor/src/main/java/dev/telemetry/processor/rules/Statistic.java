package dev.telemetry.processor.rules;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.telemetry.events.derived.Summary;
import java.util.Locale;

/** Which statistic of a window's {@link Summary} a rule compares; percentiles come from the window's sketch. */
public enum Statistic {
    COUNT, SUM, MIN, MAX, MEAN, P50, P75, P90, P95, P99;

    public double of(Summary summary) {
        return summary.stat(wireName());
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Statistic fromWireName(String name) {
        return WireNames.parse(Statistic.class, name);
    }
}
