package dev.telemetry.events.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of one client JSON object into typed values and collects every problem, each
 * naming its field, instead of stopping at the first. Event records use it in their
 * {@code read(FieldReader)} factories; a caller keeps the event only if {@link #violations()} is empty.
 * Unknown fields are ignored so that newer clients (e.g. web-vitals' {@code entries}) are accepted.
 * Lone surrogates are not looked for field by field: the caller refuses an item holding one anywhere first
 * ({@link #loneSurrogatePath}), also in the fields no event keeps.
 */
public final class FieldReader {

    public static final String LONE_SURROGATE = "contains a lone UTF-16 surrogate, which is not valid Unicode";

    private final JsonNode node;
    private final Limits limits;
    /** Shared with the reader of the enclosing object, so that one list holds every problem of the item. */
    private final List<Violation> violations;
    /** The path of this reader's object inside the item ({@code "attribution."}), empty at the top. */
    private final String prefix;

    public FieldReader(JsonNode node, Limits limits) {
        this(node, limits, new ArrayList<>(), "");
    }

    private FieldReader(JsonNode node, Limits limits, List<Violation> violations, String prefix) {
        this.node = node;
        this.limits = limits;
        this.violations = violations;
        this.prefix = prefix;
    }

    public Limits limits() {
        return limits;
    }

    public List<Violation> violations() {
        return Collections.unmodifiableList(violations);
    }

    public boolean valid() {
        return violations.isEmpty();
    }

    public void reject(String field, String message) {
        violations.add(new Violation(prefix + field, message));
    }

    /**
     * A reader of the object in {@code field} (e.g. a vital's {@code attribution}), or null when the field is absent
     * or null. Its violations name their path ({@code attribution.inputDelay}) and count as this reader's. A value
     * that is not an object is a violation of {@code field}.
     */
    public FieldReader optionalNested(String field) {
        JsonNode v = objectOrNull(field);
        return v == null ? null : new FieldReader(v, limits, violations, prefix + field + ".");
    }

    /** The object in {@code field}; null when absent or null, or (a violation) when it is not an object. */
    private JsonNode objectOrNull(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isObject()) {
            reject(field, "must be an object, got " + kind(v));
            return null;
        }
        return v;
    }

    /** Records a violation of {@code field} unless {@code condition} holds. */
    public void check(boolean condition, String field, String message) {
        if (!condition) {
            reject(field, message);
        }
    }

    public boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    public String requiredString(String field, int maxLength) {
        if (!has(field)) {
            reject(field, "is required");
            return null;
        }
        String s = optionalString(field, maxLength);
        if (s != null && s.isBlank()) {
            reject(field, "must not be blank");
        }
        return s;
    }

    /** A required name in the {@link Names} grammar, e.g. a metric's. */
    public String requiredName(String field) {
        String s = requiredString(field, limits.nameLength());
        if (s != null && !s.isBlank() && !Names.isName(s)) {
            reject(field, Names.RULE);
            return null;
        }
        return s;
    }

    public String optionalString(String field, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            reject(field, "must be a string, got " + kind(v));
            return null;
        }
        String s = v.textValue();
        if (s.length() > maxLength) {
            reject(field, "is " + s.length() + " characters long; the limit is " + maxLength);
            return null;
        }
        return s;
    }

    /**
     * A string cut to {@code maxLength} characters instead of rejected when longer: for values that are useful in
     * part, like a CSS selector whose start already names the element. A string is still required to be a string.
     */
    public String optionalCutString(String field, int maxLength) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            reject(field, "must be a string, got " + kind(v));
            return null;
        }
        return cut(v.textValue(), maxLength);
    }

    /**
     * {@code s} cut to at most {@code maxLength} UTF-16 units, one fewer when the cut would separate a surrogate
     * pair: half a pair is not Unicode (see {@link #hasLoneSurrogate}) and could not be written as UTF-8.
     */
    public static String cut(String s, int maxLength) {
        if (s.length() <= maxLength) {
            return s;
        }
        int end = maxLength;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * Where in {@code node} the first lone surrogate is, as a field path ({@code tags.region}, {@code extra.deep[1]},
     * or {@code metadata (a key)} for a key), or null when there is none. Every string counts, also of fields no
     * event keeps: a body holding one is not Unicode, and what is dropped today may be read tomorrow.
     */
    public static String loneSurrogatePath(JsonNode node) {
        return loneSurrogatePath(node, "");
    }

    private static String loneSurrogatePath(JsonNode node, String path) {
        if (node.isTextual()) {
            return hasLoneSurrogate(node.textValue()) ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = loneSurrogatePath(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (var fields = node.fields(); fields.hasNext(); ) {
                var field = fields.next();
                if (hasLoneSurrogate(field.getKey())) {
                    // The key itself cannot be echoed: it is not Unicode.
                    return (path.isEmpty() ? "" : path + " ") + "(a key)";
                }
                String found = loneSurrogatePath(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /**
     * True when {@code s} holds a UTF-16 surrogate without its pair. A JSON escape such as backslash-u-d800 lets
     * a client send one; it is not Unicode, cannot be written as UTF-8 and would break every consumer.
     */
    public static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    public double requiredNumber(String field) {
        if (!has(field)) {
            reject(field, "is required");
            return 0;
        }
        Double d = optionalNumber(field);
        return d == null ? 0 : d;
    }

    /** A number that must not be negative, such as a duration. */
    public Double optionalNonNegativeNumber(String field) {
        Double d = optionalNumber(field);
        if (d != null && d < 0) {
            reject(field, "must not be negative, got " + node.get(field).asText());
            return null;
        }
        return d;
    }

    /** A string that must be one of {@code allowed} (listed in the message in their order). */
    public String optionalOneOf(String field, List<String> allowed) {
        String s = optionalString(field, limits.nameLength());
        if (s != null && !allowed.contains(s)) {
            reject(field, "must be one of " + allowed + ", got '" + abbreviate(s) + "'");
            return null;
        }
        return s;
    }

    public Double optionalNumber(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            reject(field, "must be a number, got " + kind(v));
            return null;
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            reject(field, "must be a finite number, got " + v.asText());
            return null;
        }
        return d;
    }

    /** A number in {@code [min, max]}; decimals are rejected. */
    public int requiredInt(String field, int min, int max) {
        if (!has(field)) {
            reject(field, "is required");
            return 0;
        }
        JsonNode v = node.get(field);
        if (!v.isNumber() || !(v.isIntegralNumber() || v.doubleValue() == Math.rint(v.doubleValue()))) {
            reject(field, "must be a whole number, got " + kind(v));
            return 0;
        }
        double d = v.doubleValue();
        if (d < min || d > max) {
            reject(field, "must be between " + min + " and " + max + ", got " + v.asText());
            return 0;
        }
        return (int) d;
    }

    public boolean requiredBoolean(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            reject(field, "is required");
            return false;
        }
        if (!v.isBoolean()) {
            reject(field, "must be true or false, got " + kind(v));
            return false;
        }
        return v.booleanValue();
    }

    /**
     * A client timestamp, as the seed sends them: epoch milliseconds ({@code Date.now()}) or an
     * ISO-8601 string ({@code new Date().toISOString()}). Returned as epoch milliseconds.
     */
    public Long optionalTimestamp(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (!Double.isFinite(d) || d < 0 || d > 253_402_300_799_999d) {
                reject(field, "must be epoch milliseconds or an ISO-8601 time, got " + v.asText());
                return null;
            }
            return (long) d;
        }
        if (v.isTextual()) {
            try {
                return Instant.parse(v.textValue()).toEpochMilli();
            } catch (DateTimeParseException e) {
                reject(field, "must be epoch milliseconds or an ISO-8601 time, got '" + abbreviate(v.textValue()) + "'");
                return null;
            }
        }
        reject(field, "must be epoch milliseconds or an ISO-8601 time, got " + kind(v));
        return null;
    }

    /** Flat string labels; numbers and booleans are accepted and kept as their text. */
    public Map<String, String> optionalTags(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Map.of();
        }
        if (!v.isObject()) {
            reject(field, "must be an object of string values, got " + kind(v));
            return Map.of();
        }
        if (v.size() > limits.tags()) {
            reject(field, "has " + v.size() + " entries; the limit is " + limits.tags());
            return Map.of();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = v.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = field + "." + e.getKey();
            JsonNode value = e.getValue();
            if (e.getKey().isEmpty() || e.getKey().length() > limits.nameLength()) {
                reject(path, "tag names must be 1 to " + limits.nameLength() + " characters");
            } else if (!Names.isName(e.getKey())) {
                reject(path, "tag names " + Names.RULE);
            } else if (!(value.isTextual() || value.isNumber() || value.isBoolean())) {
                reject(path, "must be a string, number or boolean, got " + kind(value));
            } else if (value.asText().length() > limits.nameLength()) {
                reject(path, "is longer than " + limits.nameLength() + " characters");
            } else if (value.isNumber() && !Double.isFinite(value.doubleValue())) {
                reject(path, "must be a finite number");
            } else {
                tags.put(e.getKey(), value.asText());
            }
        }
        return tags;
    }

    /**
     * A free-form object ({@code metadata}, {@code context}, {@code data}), bounded in depth and
     * key count so that one event cannot blow up downstream state. Kept as a JSON tree.
     */
    public JsonNode optionalObject(String field) {
        JsonNode v = objectOrNull(field);
        if (v == null) {
            return null;
        }
        int[] keys = {0};
        int before = violations.size();
        checkTree(v, field, 1, keys);
        return violations.size() == before ? v : null;
    }

    private void checkTree(JsonNode v, String path, int depth, int[] keys) {
        if (depth > limits.mapDepth()) {
            reject(path, "is nested deeper than " + limits.mapDepth() + " levels");
            return;
        }
        if (v.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = v.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (++keys[0] > limits.mapEntries()) {
                    reject(path, "has more than " + limits.mapEntries() + " keys");
                    return;
                }
                if (e.getKey().length() > limits.nameLength()) {
                    reject(path, "has a key longer than " + limits.nameLength() + " characters");
                    return;
                }
                checkTree(e.getValue(), path + "." + e.getKey(), depth + 1, keys);
            }
        } else if (v.isArray()) {
            int i = 0;
            for (JsonNode item : v) {
                if (++keys[0] > limits.mapEntries()) {
                    reject(path, "has more than " + limits.mapEntries() + " entries");
                    return;
                }
                checkTree(item, path + "[" + i++ + "]", depth + 1, keys);
            }
        } else if (v.isTextual() && v.textValue().length() > limits.textLength()) {
            reject(path, "is longer than " + limits.textLength() + " characters");
        } else if (v.isNumber() && !Double.isFinite(v.doubleValue())) {
            reject(path, "must be a finite number");
        }
    }

    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : cut(s, 40) + "…";
    }
}
