package dev.telemetry.alerts.nflog;

import java.time.Instant;

/**
 * One line of the notification log (compacted topic {@code telemetry.notification-log}, key
 * {@code receiver/idempotencyKey}): this receiver has this notification since {@code deliveredAt}.
 */
public record NotificationLogEntry(String receiver, String idempotencyKey, String fingerprint, String status,
                                   Instant deliveredAt) {

    /** The compaction key: one entry per receiver and notification. */
    public String key() {
        return key(receiver, idempotencyKey);
    }

    public static String key(String receiver, String idempotencyKey) {
        return receiver + "/" + idempotencyKey;
    }
}
