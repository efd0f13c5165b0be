package dev.telemetry.kafka.local;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The command-line options of this module's tools: {@code --name value}, {@code --name=value} and boolean flags. */
final class Args {

    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    /**
     * @param options names that take a value
     * @param flags   names that may stand alone (meaning {@code true}) or take {@code =true}/{@code =false}
     * @throws IllegalArgumentException on an unknown or incomplete option
     */
    static Args parse(String[] args, Set<String> options, Set<String> flags) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            if (flags.contains(name)) {
                if (value != null && !value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException(name + " takes true or false, not '" + value + "'");
                }
                values.put(name, value == null ? "true" : value);
            } else if (options.contains(name)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    value = args[++i];
                }
                values.put(name, value);
            } else {
                throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return new Args(values);
    }

    String string(String name, String defaultValue) {
        return values.getOrDefault(name, defaultValue);
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    long number(String name, long defaultValue, long min, long max) {
        String value = values.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number < min || number > max) {
                throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", not " + number);
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + value + "'", e);
        }
    }

    boolean flag(String name, boolean defaultValue) {
        String value = values.get(name);
        return value == null ? defaultValue : Boolean.parseBoolean(value);
    }
}
