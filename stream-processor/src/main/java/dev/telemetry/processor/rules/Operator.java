package dev.telemetry.processor.rules;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a rule compares a window's statistic with its threshold; the seed's {@code gt|lt|eq} plus {@code gte|lte}. */
public enum Operator {
    GT, LT, EQ, GTE, LTE;

    /** Whether {@code value <op> threshold} holds. {@code eq} is exact, as the seed's {@code ===}. */
    public boolean holds(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case LT -> value < threshold;
            case EQ -> value == threshold;
            case GTE -> value >= threshold;
            case LTE -> value <= threshold;
        };
    }

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Operator fromWireName(String name) {
        return WireNames.parse(Operator.class, name);
    }
}
