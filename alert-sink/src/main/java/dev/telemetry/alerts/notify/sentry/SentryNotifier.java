package dev.telemetry.alerts.notify.sentry;

import dev.telemetry.alerts.model.Labels;
import dev.telemetry.alerts.notify.AlertText;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import io.sentry.SentryClient;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.SentryOptions;
import io.sentry.hints.SubmissionResult;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryId;
import io.sentry.util.HintUtils;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Captures each notification as a Sentry event with the Sentry Java SDK: the readable message,
 * the level from the rule's severity, the labels as tags, the alert fingerprint as Sentry's
 * fingerprint (one issue per alert series). The event id derives from the idempotency key, so a
 * retry is the same event to Sentry. The SDK's own client (not the global hub) is used, so this
 * receiver never mixes with the sink's own error reporting.
 */
public final class SentryNotifier implements Notifier {

    private final SentryConfig config;
    private final SentryClient client;
    private final SentryOptions options;

    public SentryNotifier(SentryConfig config) {
        this.config = config;
        SentryOptions options = new SentryOptions();
        options.setDsn(config.dsn());
        options.setEnvironment(config.environment());
        options.setSendClientReports(false);
        options.setConnectionTimeoutMillis((int) config.timeout().toMillis());
        options.setReadTimeoutMillis((int) config.timeout().toMillis());
        options.setSendDefaultPii(false);
        this.options = options;
        this.client = new SentryClient(options);
    }

    /**
     * Forwards an application error as the seed's {@code reportError} reports it: the exception
     * (type, message), context {@code error_context}, tag {@code error_boundary}, the app's tags.
     * The event id is the gateway's, so a retry or a replay is one event to Sentry.
     */
    public DeliveryResult forwardError(dev.telemetry.events.Envelope envelope, dev.telemetry.events.ErrorEvent error) {
        SentryEvent event = new SentryEvent();
        event.setEventId(new SentryId(UUID.nameUUIDFromBytes(envelope.eventId().getBytes(StandardCharsets.UTF_8))));
        event.setTimestamp(java.util.Date.from(envelope.eventTime()));
        Message message = new Message();
        message.setFormatted(error.message());
        event.setMessage(message);
        io.sentry.protocol.SentryException exception = new io.sentry.protocol.SentryException();
        exception.setType(error.type() == null ? "Error" : error.type());
        exception.setValue(error.message());
        event.setExceptions(List.of(exception));
        event.setLevel(level(error.level() == null ? "error" : error.level()));
        event.setPlatform("javascript");
        error.tags().forEach(event::setTag);
        event.setTag("app", envelope.app());
        event.setTag("error_boundary", "true");
        if (error.context() != null && error.context().isObject()) {
            java.util.Map<String, Object> context = new java.util.LinkedHashMap<>();
            error.context().fields().forEachRemaining(field -> context.put(field.getKey(),
                    field.getValue().isValueNode() ? field.getValue().asText() : field.getValue().toString()));
            event.getContexts().put("error_context", context);
        }
        if (error.stack() != null) {
            event.setExtra("stack", error.stack());
        }
        if (error.url() != null) {
            event.setTag("url", error.url());
        }
        return send(outcome -> client.captureEvent(event, HintUtils.createWithTypeCheckHint(outcome)));
    }

    /** Forwards the seed's {@code captureUserFeedback({name, email, comments})} as Sentry user feedback. */
    public DeliveryResult forwardFeedback(dev.telemetry.events.Envelope envelope, dev.telemetry.events.FeedbackEvent feedback) {
        io.sentry.protocol.Feedback sentryFeedback = new io.sentry.protocol.Feedback(feedback.comments());
        sentryFeedback.setName(feedback.name());
        sentryFeedback.setContactEmail(feedback.email());
        return send(outcome -> client.captureFeedback(sentryFeedback, HintUtils.createWithTypeCheckHint(outcome),
                new io.sentry.Scope(options)));
    }

    private DeliveryResult send(java.util.function.Function<Outcome, SentryId> capture) {
        Outcome outcome = new Outcome();
        SentryId id = capture.apply(outcome);
        if (SentryId.EMPTY_ID.equals(id)) {
            return new DeliveryResult.Retryable("the Sentry SDK dropped the event (rate limited or disabled)");
        }
        try {
            if (!outcome.done.await(config.timeout().toMillis() * 2, TimeUnit.MILLISECONDS)) {
                return new DeliveryResult.Retryable("timed out waiting for Sentry");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryResult.Retryable("interrupted: the sink is stopping");
        }
        return outcome.success ? DeliveryResult.delivered() : new DeliveryResult.Retryable("Sentry did not accept the event");
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    public DeliveryResult deliver(AlertEvent alert, String idempotencyKey) {
        AlertText text = AlertText.of(alert);
        SentryEvent event = new SentryEvent();
        event.setEventId(new SentryId(UUID.nameUUIDFromBytes(idempotencyKey.getBytes(StandardCharsets.UTF_8))));
        Message message = new Message();
        message.setFormatted(text.headline() + ": " + text.value());
        event.setMessage(message);
        event.setLevel(alert.status() == AlertStatus.RESOLVED ? SentryLevel.INFO : level(alert.severity()));
        event.setLogger("telemetry.alert-sink");
        event.setFingerprints(List.of(alert.fingerprint()));
        Labels.of(alert).forEach(event::setTag);
        event.setTag("alert_status", alert.status().wireName());
        event.setExtra("value", alert.value());
        event.setExtra("threshold", alert.threshold());
        event.setExtra("since", text.since());
        if (!text.runbook().isEmpty()) {
            event.setExtra("runbook_url", text.runbook());
        }
        return send(outcome -> client.captureEvent(event, HintUtils.createWithTypeCheckHint(outcome)));
    }

    /** Sentry's levels from the rule's severity. */
    static SentryLevel level(String severity) {
        String s = severity == null ? "" : severity.toLowerCase(Locale.ROOT);
        return switch (s) {
            case "critical", "fatal", "page" -> SentryLevel.FATAL;
            case "warning", "warn", "medium" -> SentryLevel.WARNING;
            case "info", "low", "debug" -> SentryLevel.INFO;
            default -> SentryLevel.ERROR;
        };
    }

    /** The SDK's transport reports here whether the envelope was accepted. */
    private static final class Outcome implements SubmissionResult {
        private final CountDownLatch done = new CountDownLatch(1);
        private volatile boolean success;

        @Override
        public void setResult(boolean success) {
            this.success = success;
            done.countDown();
        }

        @Override
        public boolean isSuccess() {
            return success;
        }
    }

    @Override
    public String toString() {
        return config.name() + " (sentry " + Redact.origin(config.dsn()) + ")";
    }
}
