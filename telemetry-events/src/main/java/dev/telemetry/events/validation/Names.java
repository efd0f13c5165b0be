package dev.telemetry.events.validation;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The one grammar for what becomes part of a series' identity: metric, action and synthetic check names and tag keys
 * (OpenTelemetry's instrument-name rule): a letter, then letters, digits, {@code _ . - /}, at most 255 characters.
 * Vital names are a closed set: the web vitals, the seed's {@code TTI} and {@code page_load}, and custom timings
 * as {@code feature-<name>} (the seed's {@code markFeatureUsage}).
 */
public final class Names {

    public static final int MAX_LENGTH = 255;
    public static final String RULE = "must start with a letter and hold only letters, digits, '_', '.', '-' or '/', "
            + "at most " + MAX_LENGTH + " characters";
    public static final List<String> VITALS = List.of("LCP", "INP", "CLS", "FCP", "TTFB", "FID", "TTI", "page_load");
    public static final String FEATURE_PREFIX = "feature-";
    public static final String VITAL_RULE = "must be a web vital (" + String.join(", ", VITALS) + ") or "
            + FEATURE_PREFIX + "<name> for a custom timing, where <name> " + RULE;

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_./-]{0," + (MAX_LENGTH - 1) + "}");

    private Names() {
    }

    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    public static boolean isVitalName(String s) {
        return s != null && (VITALS.contains(s)
                || (s.startsWith(FEATURE_PREFIX) && isName(s.substring(FEATURE_PREFIX.length()))));
    }
}
