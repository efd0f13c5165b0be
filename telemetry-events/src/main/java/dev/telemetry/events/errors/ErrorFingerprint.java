package dev.telemetry.events.errors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Groups errors that are the same problem: type + normalised message + top stack frame, hashed. The message
 * is normalised so that what varies between occurrences of one bug (ids, numbers, hex, URLs, quoted values)
 * does not split it into many groups.
 */
public final class ErrorFingerprint {

    private static final Pattern URL = Pattern.compile("\\b[a-z][a-z0-9+.-]*://\\S+", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUOTED = Pattern.compile("\"[^\"]*\"|'[^']*'|`[^`]*`");
    private static final Pattern UUID = Pattern.compile(
            "\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern HEX = Pattern.compile("\\b(0x)?[0-9a-f]*[0-9][0-9a-f]*[a-f][0-9a-f]*\\b|\\b0x[0-9a-f]+\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    /** A stack line's location suffix (file:line:column) varies with builds; the function name does not. */
    private static final Pattern LOCATION = Pattern.compile("[:(]?\\d+(:\\d+)?\\)?$");

    private ErrorFingerprint() {
    }

    /** The message with variable parts replaced by placeholders. */
    public static String normalise(String message) {
        if (message == null) {
            return "";
        }
        String s = URL.matcher(message).replaceAll("<url>");
        s = QUOTED.matcher(s).replaceAll("<str>");
        s = UUID.matcher(s).replaceAll("<id>");
        s = HEX.matcher(s).replaceAll("<hex>");
        s = NUMBER.matcher(s).replaceAll("<n>");
        return SPACES.matcher(s).replaceAll(" ").trim();
    }

    /** The first frame of a stack trace (Java's "at ..." or V8's "at fn (file:l:c)"), without line numbers. */
    public static String topFrame(String stack) {
        String frame = firstFrame(stack);
        if (frame.isEmpty()) {
            return "";
        }
        frame = URL.matcher(frame).replaceAll("<url>");
        return LOCATION.matcher(frame).replaceAll("");
    }

    /**
     * The first frame of a stack trace as sent, after its "at " and with its location: what a person reads to find
     * the code (the console shows it); {@link #topFrame} is the same frame made stable for grouping. Empty when the
     * stack has no "at" line.
     */
    public static String firstFrame(String stack) {
        if (stack == null) {
            return "";
        }
        for (String line : stack.split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("at ")) {
                return trimmed.substring(3);
            }
        }
        return "";
    }

    /** 16 hex digits of SHA-256 over type, normalised message and top frame. */
    public static String of(String type, String message, String stack) {
        String basis = (type == null ? "Error" : type) + '\0' + normalise(message) + '\0' + topFrame(stack);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(basis.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
