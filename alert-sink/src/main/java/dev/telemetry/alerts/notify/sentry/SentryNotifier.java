package dev.telemetry.alerts.notify.sentry;

import dev.telemetry.alerts.config.ReceiverConfig;
import dev.telemetry.alerts.notify.AlertText;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.alerts.notify.webhook.WebhookMessage;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import io.sentry.Hint;
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

    private final ReceiverConfig.Sentry config;
    private final SentryClient client;

    public SentryNotifier(ReceiverConfig.Sentry config) {
        this.config = config;
        SentryOptions options = new SentryOptions();
        options.setDsn(config.dsn());
        options.setEnvironment(config.environment());
        options.setSendClientReports(false);
        options.setConnectionTimeoutMillis((int) config.timeout().toMillis());
        options.setReadTimeoutMillis((int) config.timeout().toMillis());
        options.setSendDefaultPii(false);
        this.client = new SentryClient(options);
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
        WebhookMessage.labels(alert).forEach(event::setTag);
        event.setTag("alert_status", alert.status().wireName());
        event.setExtra("value", alert.value());
        event.setExtra("threshold", alert.threshold());
        event.setExtra("since", text.since());
        if (!text.runbook().isEmpty()) {
            event.setExtra("runbook_url", text.runbook());
        }
        Outcome outcome = new Outcome();
        Hint hint = HintUtils.createWithTypeCheckHint(outcome);
        SentryId id = client.captureEvent(event, hint);
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
