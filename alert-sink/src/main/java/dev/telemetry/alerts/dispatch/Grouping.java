package dev.telemetry.alerts.dispatch;

import java.time.Duration;
import java.util.List;

/**
 * Alertmanager's grouping of alerts into notifications, the same for every receiver.
 *
 * @param groupBy        label names that define a group; {@code ["..."]} groups by all labels
 *                       (every alert series on its own)
 * @param groupWait      how long a new group waits for more alerts before its first notification
 * @param groupInterval  how long after a notification a group waits before notifying changes
 * @param repeatInterval after how long an unchanged group with firing alerts is notified again; 0 never
 * @param sendResolved   whether resolutions are notified (only to receivers that got the firing)
 */
public record Grouping(List<String> groupBy, Duration groupWait, Duration groupInterval, Duration repeatInterval,
                       Boolean sendResolved) {

    public static final String ALL_LABELS = "...";

    public Grouping {
        groupBy = groupBy == null || groupBy.isEmpty() ? List.of(ALL_LABELS) : List.copyOf(groupBy);
        groupWait = groupWait == null ? Duration.ZERO : groupWait;
        groupInterval = groupInterval == null ? Duration.ZERO : groupInterval;
        repeatInterval = repeatInterval == null ? Duration.ZERO : repeatInterval;
        sendResolved = sendResolved == null || sendResolved;
    }

    /** Every alert state change notified at once, on its own, resolutions included, never repeated. */
    public static Grouping none() {
        return new Grouping(List.of(ALL_LABELS), Duration.ZERO, Duration.ZERO, Duration.ZERO, true);
    }

    public boolean byAllLabels() {
        return groupBy.contains(ALL_LABELS);
    }
}
