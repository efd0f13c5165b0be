package dev.telemetry.alerts.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Require;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One configured receiver, selected by {@code type}. Each receiver kind is one record here; the
 * notifier that serves it lives in its own package under {@code alerts.notify}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ReceiverConfig.Log.class, name = "log"),
        @JsonSubTypes.Type(value = ReceiverConfig.Webhook.class, name = "webhook"),
        @JsonSubTypes.Type(value = ReceiverConfig.Slack.class, name = "slack"),
        @JsonSubTypes.Type(value = ReceiverConfig.PagerDuty.class, name = "pagerduty"),
        @JsonSubTypes.Type(value = ReceiverConfig.Alertmanager.class, name = "alertmanager"),
        @JsonSubTypes.Type(value = ReceiverConfig.Email.class, name = "email"),
        @JsonSubTypes.Type(value = ReceiverConfig.Sentry.class, name = "sentry")
})
public sealed interface ReceiverConfig {

    /** The receiver's unique name: what routes refer to and what metrics and logs are tagged with. */
    String name();

    /** Checks this receiver; {@code key} is its position, e.g. {@code receivers[1]}. */
    void validate(String key);

    /** Default bound of one delivery call. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Posts a message a tired person understands to a Slack incoming webhook; the URL is the secret.
     *
     * @see <a href="https://api.slack.com/messaging/webhooks">Slack incoming webhooks</a>
     */
    record Slack(String name, String url, Duration timeout) implements ReceiverConfig {
        public Slack {
            url = url == null ? null : url.strip();
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        }

        public URI uri() {
            return URI.create(url);
        }

        @Override
        public void validate(String key) {
            ReceiverConfigs.requireName(key, name);
            ReceiverConfigs.requireHttpUrl(key + ".url", url);
            Require.positive(key + ".timeout", timeout);
        }

        @Override
        public String toString() {
            return "Slack[name=" + name + ", url=" + Redact.origin(url) + ", timeout=" + timeout + "]";
        }
    }

    /**
     * Triggers and resolves PagerDuty incidents through the Events API v2; the routing key is the secret.
     *
     * @param url the events endpoint; default PagerDuty's, tests point it at a local server
     * @see <a href="https://developer.pagerduty.com/docs/events-api-v2/trigger-events/">Events API v2</a>
     */
    record PagerDuty(String name, String routingKey, String url, Duration timeout) implements ReceiverConfig {
        public static final String EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

        public PagerDuty {
            url = url == null || url.isBlank() ? EVENTS_URL : url.strip();
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        }

        public URI uri() {
            return URI.create(url);
        }

        @Override
        public void validate(String key) {
            ReceiverConfigs.requireName(key, name);
            if (routingKey == null || routingKey.isBlank()) {
                throw new ConfigException(key + ".routing-key", "must be set for a pagerduty receiver");
            }
            ReceiverConfigs.requireHttpUrl(key + ".url", url);
            Require.positive(key + ".timeout", timeout);
        }

        @Override
        public String toString() {
            return "PagerDuty[name=" + name + ", routingKey=<redacted>, url=" + Redact.origin(url) + ", timeout=" + timeout + "]";
        }
    }

    /** Posts alerts to a real Alertmanager's {@code /api/v2/alerts}; {@code url} is its base URL. */
    record Alertmanager(String name, String url, Duration timeout) implements ReceiverConfig {
        public Alertmanager {
            url = url == null ? null : url.strip();
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        }

        /** The alerts endpoint under the base URL. */
        public URI alertsUri() {
            return URI.create(url.replaceAll("/+$", "") + "/api/v2/alerts");
        }

        @Override
        public void validate(String key) {
            ReceiverConfigs.requireName(key, name);
            ReceiverConfigs.requireHttpUrl(key + ".url", url);
            Require.positive(key + ".timeout", timeout);
        }

        @Override
        public String toString() {
            return "Alertmanager[name=" + name + ", url=" + Redact.origin(url) + ", timeout=" + timeout + "]";
        }
    }

    /**
     * Sends each notification as an e-mail with text and HTML parts over SMTP; the password is the secret.
     *
     * @param startTls require STARTTLS before authenticating (off only for local test servers)
     */
    record Email(String name, String host, int port, String username, String password, String from, java.util.List<String> to,
                 Boolean startTls, Duration timeout) implements ReceiverConfig {
        public Email {
            // Off only when asked: a password must not cross the network in clear by default.
            startTls = startTls == null || startTls;
            to = to == null ? java.util.List.of() : java.util.List.copyOf(to);
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        }

        @Override
        public void validate(String key) {
            ReceiverConfigs.requireName(key, name);
            Require.notBlank(key + ".host", host);
            Require.port(key + ".port", port);
            Require.notBlank(key + ".from", from);
            if (to.isEmpty()) {
                throw new ConfigException(key + ".to", "must list at least one address");
            }
            Require.positive(key + ".timeout", timeout);
        }

        @Override
        public String toString() {
            return "Email[name=" + name + ", host=" + host + ":" + port + ", username=" + username
                    + ", password=" + (password == null || password.isEmpty() ? "<none>" : "<redacted>") + ", from=" + from
                    + ", to=" + to + ", startTls=" + startTls + "]";
        }
    }

    /**
     * Captures each notification as a Sentry event (message, level from severity, tags from labels)
     * with the Sentry Java SDK; the DSN is the secret.
     *
     * @param forwardErrors   also forward {@code telemetry.errors} (the seed's {@code reportError}) to this project
     * @param forwardFeedback also forward {@code telemetry.feedback} as Sentry user feedback
     */
    record Sentry(String name, String dsn, String environment, Duration timeout, Boolean forwardErrors,
                  Boolean forwardFeedback) implements ReceiverConfig {
        public Sentry {
            forwardErrors = forwardErrors != null && forwardErrors;
            forwardFeedback = forwardFeedback != null && forwardFeedback;
            dsn = dsn == null ? null : dsn.strip();
            environment = environment == null || environment.isBlank() ? "production" : environment;
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        }

        public Sentry(String name, String dsn, String environment, Duration timeout) {
            this(name, dsn, environment, timeout, false, false);
        }

        @Override
        public void validate(String key) {
            ReceiverConfigs.requireName(key, name);
            ReceiverConfigs.requireHttpUrl(key + ".dsn", dsn);
            Require.positive(key + ".timeout", timeout);
        }

        @Override
        public String toString() {
            return "Sentry[name=" + name + ", dsn=" + Redact.origin(dsn) + ", environment=" + environment
                    + ", forwardErrors=" + forwardErrors + ", forwardFeedback=" + forwardFeedback + "]";
        }
    }

    /** Writes each alert as one readable line to the sink's log. */
    record Log(String name) implements ReceiverConfig {
        @Override
        public void validate(String key) {
            ReceiverConfigs.requireName(key, name);
        }
    }

    /**
     * POSTs Alertmanager's webhook payload (version 4) to {@code url}.
     *
     * @param timeout bounds connecting and the whole exchange; default 5 s
     * @param headers extra request headers, e.g. {@code Authorization}; values are secrets
     */
    record Webhook(String name, String url, Duration timeout, Map<String, String> headers) implements ReceiverConfig {

        public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

        /** Headers the JDK client sets itself and refuses to take from callers. */
        private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");

        public Webhook {
            url = url == null ? null : url.strip();
            timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
            headers = headers == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }

        public Webhook(String name, String url) {
            this(name, url, null, null);
        }

        /** The parsed URL; only valid after {@link #validate}. */
        public URI uri() {
            return URI.create(url);
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
    }
}
