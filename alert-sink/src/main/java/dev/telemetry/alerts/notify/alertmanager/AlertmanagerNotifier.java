package dev.telemetry.alerts.notify.alertmanager;

import dev.telemetry.alerts.model.Labels;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.notify.HttpNotifier;
import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.alerts.notify.Redact;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.time.Clock;
import java.util.Map;

/**
 * Hands alerts to a real Alertmanager through {@code POST /api/v2/alerts}, as Prometheus does, so
 * teams that route with Alertmanager keep doing so. Alertmanager deduplicates by label set, so a
 * repeat is harmless. A firing alert is sent without {@code endsAt}: Alertmanager then resolves it
 * after its {@code resolve_timeout} unless the resolution arrives first.
 *
 * @see <a href="https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml">API v2</a>
 */
public final class AlertmanagerNotifier extends HttpNotifier<AlertmanagerConfig> implements Notifier.Grouped {

    /** One element of the posted array ({@code postableAlert}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PostableAlert(Map<String, String> labels, Map<String, String> annotations, String startsAt, String endsAt,
                                String generatorURL) {

        public static PostableAlert of(AlertEvent alert, String generatorUrl) {
            return new PostableAlert(Labels.of(alert), new java.util.TreeMap<>(alert.annotations()),
                    alert.startsAt() == null ? null : alert.startsAt().toString(),
                    alert.status() == AlertStatus.RESOLVED && alert.endsAt() != null ? alert.endsAt().toString() : null,
                    generatorUrl.isEmpty() ? null : generatorUrl);
        }
    }

    private final String generatorUrl;

    public AlertmanagerNotifier(AlertmanagerConfig config, String externalUrl, Clock clock) {
        super(config, clock);
        // AlertEvent has no generatorURL; the sink's external URL is the best link back until the contract carries one.
        this.generatorUrl = externalUrl == null ? "" : externalUrl;
    }

    /** The whole group in one call: the API takes an array. */
    @Override
    public DeliveryResult deliver(Notification notification) {
        return poster.post(JsonCodec.standard().write(notification.alerts().stream()
                .map(alert -> PostableAlert.of(alert, generatorUrl)).toList()), Map.of());
    }

    @Override
    public String toString() {
        return config.name() + " (alertmanager " + Redact.origin(config.url()) + ")";
    }
}
