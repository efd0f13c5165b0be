package dev.telemetry.processor.slo.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What an SLO counts, and from which raw events. */
public enum SliType {
    /** Request logs; good = status below 500. */
    AVAILABILITY,
    /** Request logs; good = {@code durationMs} at most the threshold. */
    LATENCY,
    /** Web vitals; good = rated "good" (the client's rating, else Google's thresholds). */
    VITAL,
    /** Synthetic check results; good = success. */
    SYNTHETIC,
    /** Custom metrics; good and total are the sums of two metrics' values. */
    RATIO;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static SliType fromWireName(String name) {
        for (SliType type : values()) {
            if (type.wireName().equals(name == null ? "" : name.trim().toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw new IllegalArgumentException("must be one of " + Arrays.stream(values()).map(SliType::wireName)
                .collect(Collectors.joining(", ")));
    }
}
