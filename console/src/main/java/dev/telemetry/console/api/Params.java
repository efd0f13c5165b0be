package dev.telemetry.console.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reading query parameters the way every API route does (the same rules as {@link ConsoleApi}'s): an unknown
 * parameter, one given twice or empty, or a name outside a safe charset is refused with {@link BadParameter}
 * naming it. Label filters are {@code label.<key>=<value>}.
 */
final class Params {

    /** Names as the pipeline accepts them, with room for series suffixes; anything else is refused. */
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:/\\-{}=,\"|]{1,200}");
    /** Label keys as the pipeline's tags are named. */
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]{0,99}");
    static final String LABEL_PREFIX = "label.";
    static final int MAX_LABEL_FILTERS = 10;

    private Params() {
    }

    /** Refuses any parameter not in {@code allowed} (label filters too, unless {@code labels}). */
    static void known(Map<String, List<String>> query, Set<String> allowed, boolean labels) {
        for (String key : query.keySet()) {
            if (!allowed.contains(key) && !(labels && key.startsWith(LABEL_PREFIX))) {
                throw new BadParameter(key, "unknown parameter (known: " + String.join(", ", allowed.stream().sorted().toList())
                        + (labels ? ", label.<key>" : "") + ")");
            }
        }
    }

    static String single(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new BadParameter(key, "given more than once");
        }
        String value = values.get(0);
        if (value == null || value.isBlank()) {
            throw new BadParameter(key, "is empty");
        }
        return value;
    }

    static String name(Map<String, List<String>> query, String key, boolean required) {
        String value = single(query, key);
        if (value == null) {
            if (required) {
                throw new BadParameter(key, "is required");
            }
            return null;
        }
        if (!NAME.matcher(value).matches()) {
            throw new BadParameter(key, "must be 1 to 200 letters, digits or . _ : / - (and the characters of series labels)");
        }
        return value;
    }

    /** An optional whole number from {@code min} to {@code max}; {@code fallback} when absent. */
    static int integer(Map<String, List<String>> query, String key, int min, int max, int fallback) {
        String value = single(query, key);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below names the range
        }
        throw new BadParameter(key, "must be a whole number from " + min + " to " + max + ", got '" + value + "'");
    }

    /** The {@code label.<key>=<value>} filters, by key (sorted); a series matches when it has every one. */
    static Map<String, String> labels(Map<String, List<String>> query) {
        Map<String, String> out = new TreeMap<>();
        for (String key : query.keySet()) {
            if (!key.startsWith(LABEL_PREFIX)) {
                continue;
            }
            String label = key.substring(LABEL_PREFIX.length());
            if (!LABEL_KEY.matcher(label).matches()) {
                throw new BadParameter(key, "a label filter is label.<key>=<value>, the key 1 to 100 letters, digits or _ . -");
            }
            out.put(label, name(query, key, true));
        }
        if (out.size() > MAX_LABEL_FILTERS) {
            throw new BadParameter(LABEL_PREFIX + "*", "at most " + MAX_LABEL_FILTERS + " label filters");
        }
        return out;
    }

    /** Whether {@code labels} carries every filter's value. */
    static boolean matches(Map<String, String> labels, Map<String, String> filters) {
        for (Map.Entry<String, String> f : filters.entrySet()) {
            if (!f.getValue().equals(labels.get(f.getKey()))) {
                return false;
            }
        }
        return true;
    }

    static Map<String, Object> body() {
        return new LinkedHashMap<>();
    }
}
