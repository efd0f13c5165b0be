package dev.telemetry.processor.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Reads the lower-case wire names of the rule enums, with one error message for all of them. */
final class WireNames {

    private WireNames() {
    }

    /** The constant named {@code name} in any case; otherwise an error listing the accepted names. */
    static <E extends Enum<E>> E parse(Class<E> type, String name) {
        E[] constants = type.getEnumConstants();
        for (E constant : constants) {
            if (constant.name().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return constant;
            }
        }
        // The config loader reports this message under the key being bound, e.g. rules[0].operator.
        throw new IllegalArgumentException("must be one of " + Arrays.stream(constants)
                .map(c -> c.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }
}
