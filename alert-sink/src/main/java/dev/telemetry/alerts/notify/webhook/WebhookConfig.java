package dev.telemetry.alerts.notify.webhook;

import dev.telemetry.alerts.notify.HttpReceiverConfig;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.ReceiverConfigs;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * POSTs Alertmanager's webhook payload (version 4) to {@code url}.
 *
 * @param timeout bounds connecting and the whole exchange; default 5 s
 * @param headers extra request headers, e.g. {@code Authorization}; values are secrets
 */
public record WebhookConfig(String name, String url, Duration timeout, Map<String, String> headers) implements HttpReceiverConfig {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** Headers the JDK client sets itself and refuses to take from callers. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

    public WebhookConfig {
        url = ReceiverConfigs.strip(url);
        timeout = ReceiverConfigs.timeout(timeout);
        headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    public WebhookConfig(String name, String url) {
        this(name, url, null, null);
    }

    @Override
    public void validate(String key) {
        ReceiverConfigs.requireName(key, name);
        // The URL may carry a token, so no message below ever repeats it.
        if (url == null || url.isBlank()) {
            throw new ConfigException(key + ".url", "must be set for a webhook receiver");
        }
        URI parsed;
        try {
            parsed = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(key + ".url", "is not a valid URL (value not shown: it may contain a secret)");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new ConfigException(key + ".url", "must be an http:// or https:// URL (value not shown: it may contain a secret)");
        }
        if (parsed.getHost() == null || parsed.getHost().isBlank()) {
            throw new ConfigException(key + ".url", "must name a host (value not shown: it may contain a secret)");
        }
        Require.positive(key + ".timeout", timeout);
        headers.keySet().forEach(header -> {
            if (header == null || !header.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                throw new ConfigException(key + ".headers", "'" + header + "' is not a valid header name");
            }
            if (RESTRICTED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(key + ".headers." + header, "is set by the HTTP client and cannot be configured");
            }
        });
        headers.forEach((header, value) -> {
            if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new ConfigException(key + ".headers." + header, "must be a single-line value (value not shown)");
            }
        });
    }

    /** Never prints the URL's path or query, nor header values: both carry credentials. */
    @Override
    public String toString() {
        return "Webhook[name=" + name + ", url=" + Redact.origin(url) + ", timeout=" + timeout
                + ", headers=" + new TreeMap<>(headers).keySet() + "]";
    }

    @Override
    public Notifier notifier(String externalUrl, Clock clock) {
        return new WebhookNotifier(this, externalUrl, clock);
    }
}
