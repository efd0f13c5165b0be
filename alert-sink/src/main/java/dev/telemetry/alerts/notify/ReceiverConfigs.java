package dev.telemetry.alerts.notify;

import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;

/** Checks shared by every receiver kind. */
public final class ReceiverConfigs {

    private ReceiverConfigs() {
    }

    /** Names become metric tags and log fields, so they stay short and plain. */
    public static void requireName(String key, String name) {
        Require.notBlank(key + ".name", name);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new ConfigException(key + ".name", "'" + name
                    + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    /** An http(s) URL with a host; the value is never repeated in the message, since it may hold a token. */
    public static void requireHttpUrl(String key, String url) {
        if (url == null || url.isBlank()) {
            throw new ConfigException(key, "must be set");
        }
        java.net.URI parsed;
        try {
            parsed = new java.net.URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new ConfigException(key, "is not a valid URL (value not shown: it may contain a secret)");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigException(key, "must be an http:// or https:// URL (value not shown: it may contain a secret)");
        }
        if (parsed.getHost() == null || parsed.getHost().isBlank()) {
            throw new ConfigException(key, "must name a host (value not shown: it may contain a secret)");
        }
    }

    /** A configured URL or DSN without surrounding blanks; null stays null, for validation to name. */
    public static String strip(String url) {
        return url == null ? null : url.strip();
    }

    /** The configured bound of one delivery call, or the default. */
    public static java.time.Duration timeout(java.time.Duration timeout) {
        return timeout == null ? ReceiverConfig.DEFAULT_TIMEOUT : timeout;
    }
}
