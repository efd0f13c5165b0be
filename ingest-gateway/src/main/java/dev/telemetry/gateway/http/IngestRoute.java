package dev.telemetry.gateway.http;

import dev.telemetry.events.EventType;
import java.util.List;

/** The ingest routes of DESIGN.md's API table: each path takes one event type, {@code /api/events} takes any. */
public record IngestRoute(String path, EventType type) {

    public static final List<IngestRoute> ALL = List.of(
            new IngestRoute("/api/analytics/vitals", EventType.VITAL),
            new IngestRoute("/api/metrics", EventType.METRIC),
            new IngestRoute("/api/analytics/actions", EventType.ACTION),
            new IngestRoute("/api/errors", EventType.ERROR),
            new IngestRoute("/api/network-errors", EventType.NETWORK_ERROR),
            new IngestRoute("/api/feedback", EventType.FEEDBACK),
            new IngestRoute("/api/security/events", EventType.SECURITY),
            new IngestRoute("/api/requests", EventType.REQUEST),
            new IngestRoute("/api/synthetic", EventType.SYNTHETIC),
            new IngestRoute("/api/events", null));

    /** The metric tag for this route. */
    public String tag() {
        return type == null ? "events" : type.wireName();
    }
}
