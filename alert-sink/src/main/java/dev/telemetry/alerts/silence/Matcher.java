package dev.telemetry.alerts.silence;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher, in Alertmanager's API shape ({@code name, value, isRegex, isEqual}): used by
 * silences and inhibition rules. A regex must match the whole value, as in Alertmanager; a missing
 * label matches as the empty string.
 */
public record Matcher(String name, String value, @JsonProperty("isRegex") boolean isRegex,
                      @JsonProperty("isEqual") boolean isEqual) {

    private static final Pattern TEXT = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

    public Matcher {
        Objects.requireNonNull(name, "name");
        value = value == null ? "" : value;
        if (isRegex) {
            try {
                Pattern.compile(value);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("matcher " + name + ": '" + value + "' is not a valid regular expression");
            }
        }
    }

    /** Parses Alertmanager's text form, e.g. {@code severity="critical"} or {@code app=~"shop|cart"}. */
    public static Matcher parse(String text) {
        java.util.regex.Matcher m = TEXT.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a matcher like name=\"value\" (operators =, !=, =~, !~)");
        }
        String op = m.group(2);
        String value = m.group(3).replace("\\\"", "\"").replace("\\\\", "\\");
        return new Matcher(m.group(1), value, op.endsWith("~"), !op.startsWith("!"));
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(name, "");
        boolean hit = isRegex ? Pattern.compile(value).matcher(actual).matches() : value.equals(actual);
        return hit == isEqual;
    }

    @JsonIgnore
    public String text() {
        String op = isEqual ? (isRegex ? "=~" : "=") : (isRegex ? "!~" : "!=");
        return name + op + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
