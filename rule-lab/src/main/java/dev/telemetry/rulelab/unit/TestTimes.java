package dev.telemetry.rulelab.unit;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times in a rule test, relative to the test's start: one or more {@code <number><unit>} parts, largest unit first,
 * e.g. {@code 0s}, {@code 90s}, {@code 2m30s}, {@code 1h}, {@code 1d12h}, {@code 500ms}.
 */
public final class TestTimes {

    private static final Pattern WHOLE = Pattern.compile("((\\d+)(ms|d|h|m|s))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|d|h|m|s)");
    private static final String[] ORDER = {"d", "h", "m", "s", "ms"};

    private TestTimes() {
    }

    /** The duration {@code text} names; {@link IllegalArgumentException} naming the expected form if it is none. */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim();
        if (!WHOLE.matcher(value).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (use e.g. 0s, 90s, 2m30s, 1h, 500ms)");
        }
        Matcher m = PART.matcher(value);
        Duration total = Duration.ZERO;
        int lastRank = -1;
        while (m.find()) {
            int rank = rank(m.group(2));
            if (rank <= lastRank) {
                throw new IllegalArgumentException("'" + text + "' is not a duration: units must go from the largest"
                        + " to the smallest, each once (e.g. 1h30m)");
            }
            lastRank = rank;
            long n;
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is too large");
            }
            Duration part = switch (m.group(2)) {
                case "d" -> Duration.ofDays(n);
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            };
            total = total.plus(part);
        }
        return total;
    }

    /** The form {@link #parse} reads, e.g. {@code 2m30s}; {@code 0s} for zero. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (d.isNegative()) {
            sb.append('-');
            d = d.negated();
        }
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        long millis = d.toMillisPart();
        if (days > 0) sb.append(days).append('d');
        if (hours > 0) sb.append(hours).append('h');
        if (minutes > 0) sb.append(minutes).append('m');
        if (seconds > 0) sb.append(seconds).append('s');
        if (millis > 0) sb.append(millis).append("ms");
        return sb.toString();
    }

    private static int rank(String unit) {
        for (int i = 0; i < ORDER.length; i++) {
            if (ORDER[i].equals(unit)) {
                return i;
            }
        }
        throw new IllegalStateException(unit);
    }
}
