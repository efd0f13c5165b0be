package dev.telemetry.alerts.notify;

import java.time.Clock;

/**
 * The shared base of receivers that post JSON over HTTP (webhook, Slack, PagerDuty, Alertmanager):
 * the configuration and one {@link JsonPoster} for its target and timeout, whose one
 * {@link HttpClassifier} decides what is retried. A receiver adds only its payload and what differs.
 */
public abstract class HttpNotifier<C extends HttpReceiverConfig> implements Notifier {

    protected final C config;
    protected final JsonPoster poster;

    protected HttpNotifier(C config, Clock clock) {
        this.config = config;
        this.poster = new JsonPoster(config.target(), config.timeout(), clock);
    }

    @Override
    public String name() {
        return config.name();
    }
}
