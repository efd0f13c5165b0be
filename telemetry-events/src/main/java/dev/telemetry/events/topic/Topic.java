package dev.telemetry.events.topic;

import java.util.Map;

/**
 * One logical topic of the pipeline: the role it plays, its default name, and how it is laid out.
 * Callers address topics by role and resolve the configured name through {@link TopicCatalogue}.
 */
public enum Topic {
    VITALS("telemetry.vitals", Kind.RAW),
    METRICS("telemetry.metrics", Kind.RAW),
    ACTIONS("telemetry.actions", Kind.RAW),
    ERRORS("telemetry.errors", Kind.RAW),
    FEEDBACK("telemetry.feedback", Kind.RAW),
    REQUESTS("telemetry.requests", Kind.RAW),
    SYNTHETIC("telemetry.synthetic", Kind.RAW),
    SECURITY("telemetry.security", Kind.RAW),
    SUMMARIES("telemetry.summaries", Kind.DERIVED),
    RATELIMIT("telemetry.ratelimit", Kind.DERIVED),
    ALERTS("telemetry.alerts", Kind.DERIVED),
    /** Per SLO, app and closed window: the window's SLI, burn rates over several windows, the budget left. */
    SLO("telemetry.slo", Kind.DERIVED),
    /**
     * Per app, page, vital (LCP, INP, CLS) and closed window with poor vitals carrying an attribution target: the
     * window's top offending targets, most frequent first, with counts and p75. Key {@code app|page|vital}.
     */
    VITALS_ATTRIBUTION("telemetry.vitals-attribution", Kind.DERIVED),
    /**
     * The processor's account of every raw record it consumed, per app, raw topic, partition and window (summarised,
     * late, dead-lettered, overflowed, not summarised), and how far it had read; the auditor reconciles it.
     */
    AUDIT("telemetry.audit", Kind.DERIVED),
    PROCESSOR_DLQ("telemetry.dlq", Kind.DEAD_LETTER),
    NOTIFICATIONS("telemetry.notifications", Kind.DELIVERY_LOG),
    NOTIFICATION_LOG("telemetry.notification-log", Kind.COMPACTED),
    SILENCES("telemetry.silences", Kind.COMPACTED),
    /** The alert sink's aggregation groups (with their flush and repeat times) and the firing alerts inhibition needs. */
    GROUP_STATE("telemetry.group-state", Kind.COMPACTED),
    ALERTS_DLQ("telemetry.alerts.dlq", Kind.DEAD_LETTER);

    /** How a topic is used; decides its retention and cleanup policy. */
    public enum Kind { RAW, DERIVED, DEAD_LETTER, DELIVERY_LOG, COMPACTED }

    private final String defaultName;
    private final Kind kind;

    Topic(String defaultName, Kind kind) {
        this.defaultName = defaultName;
        this.kind = kind;
    }

    public String defaultName() {
        return defaultName;
    }

    public Kind kind() {
        return kind;
    }

    /** The configuration key under `topics:` that renames this topic, e.g. {@code notification-log}. */
    public String configKey() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Topic-level configs used when the topic is created (by the local broker or an init job). */
    public Map<String, String> creationConfigs() {
        return switch (kind) {
            case COMPACTED -> Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "60000");
            case DEAD_LETTER -> Map.of("retention.ms", String.valueOf(30L * 24 * 3600 * 1000));
            default -> Map.of("retention.ms", String.valueOf(7L * 24 * 3600 * 1000));
        };
    }
}
