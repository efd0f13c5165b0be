package dev.telemetry.prober.config;

import dev.telemetry.service.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Validation of the URLs in the prober's configuration; each failure names its key. */
final class Urls {

    private Urls() {
    }

    /** An absolute {@code http(s)://host...} URL; anything else fails naming {@code key}. */
    static URI requireHttp(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException(key, "must be set");
        }
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new ConfigException(key, "must be an absolute http:// or https:// URL, got '" + value + "' ("
                    + e.getReason().toLowerCase(Locale.ROOT) + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new ConfigException(key, "must be an absolute http:// or https:// URL, got '" + value + "'");
        }
        return uri;
    }
}
