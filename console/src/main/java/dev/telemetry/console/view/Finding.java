package dev.telemetry.console.view;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.SecurityEvent;
import java.time.Instant;

/**
 * One record of {@code telemetry.security}, flattened for the page: a processor finding ({@code source}
 * {@code stream-processor}: rate limit, SQL injection, XSS) or a client's report. {@code input} is the offending
 * input exactly as received; the page renders it as text.
 */
public record Finding(String eventId, Instant at, String app, String event, String severity, String source, String ip,
                      String endpoint, String field, String attackClass, String input, Long count, Long limit) {

    public static Finding of(Envelope envelope) {
        if (!(envelope.event() instanceof SecurityEvent e)) {
            throw new IllegalArgumentException("not a security event: " + envelope.type());
        }
        JsonNode data = e.data();
        String ip = text(data, "ip");
        return new Finding(envelope.eventId(), envelope.eventTime(), envelope.app(), e.event(), e.severity(),
                text(data, "source") == null ? "client" : text(data, "source"),
                ip == null ? envelope.clientIp() : ip, text(data, "endpoint"), text(data, "field"), text(data, "class"),
                text(data, "input"), number(data, "count"), number(data, "limit"));
    }

    private static String text(JsonNode data, String key) {
        JsonNode n = data == null ? null : data.get(key);
        return n == null || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    private static Long number(JsonNode data, String key) {
        JsonNode n = data == null ? null : data.get(key);
        return n != null && n.isNumber() ? n.asLong() : null;
    }
}
