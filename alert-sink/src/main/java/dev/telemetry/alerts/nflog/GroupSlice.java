package dev.telemetry.alerts.nflog;

import dev.telemetry.events.derived.AlertEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one receiver's aggregation group holds of one partition of the alerts topic, as of its last
 * notification: the group's labels, the alerts it notified (their last state), when it was last
 * notified and when it may be notified next. The partition's owner writes it; whoever owns the
 * partition next (after a restart or a rebalance) restores it, so a repeat comes at
 * {@code lastFlush + repeat_interval}. Stored in {@code telemetry.group-state} under {@link #key()}.
 */
public record GroupSlice(String receiver, String group, String groupKey, Map<String, String> labels, int partition,
                         List<AlertEvent> alerts, Instant lastFlush, Instant nextFlush) {

    public GroupSlice {
        labels = Map.copyOf(labels);
        alerts = List.copyOf(alerts);
    }

    /** The compaction key: one record per receiver, partition and group. */
    public String key() {
        return key(receiver, partition, group);
    }

    public static String key(String receiver, int partition, String group) {
        return "group/" + receiver + "/" + partition + "/" + group;
    }
}
