package dev.telemetry.alerts.notify;

import dev.telemetry.service.config.Require;
import java.net.URI;
import java.time.Duration;

/** A receiver reached by posting JSON over HTTP: where, and how long one call may take. */
public interface HttpReceiverConfig extends ReceiverConfig {

    /** The configured URL; it may carry a secret, so it is only ever printed through {@link Redact#origin}. */
    String url();

    /** Bounds connecting and the whole exchange. */
    Duration timeout();

    /** Where the notifier posts: the URL itself unless the API lives under it. */
    default URI target() {
        return URI.create(url());
    }

    /** A plain name, an http(s) URL with a host (never repeated in the message), a positive timeout. */
    @Override
    default void validate(String key) {
        ReceiverConfigs.requireName(key, name());
        ReceiverConfigs.requireHttpUrl(key + ".url", url());
        Require.positive(key + ".timeout", timeout());
    }

    /** {@code Kind[name=..., url=<origin only>, timeout=...]}: the URL's path and query may hold a token. */
    static String describe(String kind, HttpReceiverConfig config) {
        return kind + "[name=" + config.name() + ", url=" + Redact.origin(config.url()) + ", timeout=" + config.timeout() + "]";
    }
}
