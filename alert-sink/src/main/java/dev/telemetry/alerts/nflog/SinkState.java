package dev.telemetry.alerts.nflog;

import dev.telemetry.events.derived.AlertEvent;

/**
 * One record of the compacted {@code telemetry.group-state}: either an aggregation group's slice
 * (key {@code group/<receiver>/<partition>/<group>}) or an alert that fires (key
 * {@code firing/<fingerprint>}), which inhibition needs at start-up. A tombstone ends either.
 */
public record SinkState(int schemaVersion, GroupSlice group, AlertEvent firing) {

    public static final int SCHEMA_VERSION = 1;

    static SinkState of(GroupSlice group) {
        return new SinkState(SCHEMA_VERSION, group, null);
    }

    static SinkState of(AlertEvent firing) {
        return new SinkState(SCHEMA_VERSION, null, firing);
    }

    static String firingKey(String fingerprint) {
        return "firing/" + fingerprint;
    }
}
