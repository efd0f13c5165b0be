package dev.telemetry.alerts.nflog;

import dev.telemetry.alerts.notify.Notification;
import dev.telemetry.alerts.notify.Notifier;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dedup stage (Alertmanager's {@code DedupStage}): what a receiver must still be sent of a
 * notification, according to the notification log. A replay after a restart finds the alerts the
 * receiver already has; a resolution is sent only to a receiver that got the firing.
 */
public final class Dedup {

    /**
     * What is left to send, and how many alerts were left out for each reason.
     *
     * @param duplicates         alerts (or a repeat) the log says the receiver has
     * @param resolvedUnnotified resolutions of firings the receiver never got, or with send_resolved off
     */
    public record Result(Optional<Notification> left, int duplicates, int resolvedUnnotified) {
    }

    private final Journal journal;
    private final boolean sendResolved;

    public Dedup(Journal journal, boolean sendResolved) {
        this.journal = journal;
        this.sendResolved = sendResolved;
    }

    /** What {@code receiver} must still be sent of {@code notification}; a {@code repeat} is all or nothing. */
    public Result needed(String receiver, Notification notification, boolean repeat) {
        if (repeat) {
            return journal.delivered(receiver, notification.idempotencyKey())
                    ? new Result(Optional.empty(), 1, 0) : new Result(Optional.of(notification), 0, 0);
        }
        List<AlertEvent> left = new ArrayList<>();
        int duplicates = 0;
        int resolvedUnnotified = 0;
        for (AlertEvent alert : notification.alerts()) {
            if (journal.delivered(receiver, Notifier.idempotencyKey(alert))) {
                duplicates++;
            } else if (alert.status() == AlertStatus.RESOLVED && (!sendResolved || !journal.delivered(receiver, firingKey(alert)))) {
                resolvedUnnotified++;
            } else {
                left.add(alert);
            }
        }
        Optional<Notification> result = left.isEmpty() ? Optional.empty()
                : Optional.of(left.size() == notification.alerts().size() ? notification
                : notification.withAlerts(left));
        return new Result(result, duplicates, resolvedUnnotified);
    }

    private static String firingKey(AlertEvent resolved) {
        return resolved.fingerprint() + ":" + AlertStatus.FIRING.wireName() + ":" + resolved.startsAt();
    }
}
