package dev.telemetry.processor.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.SecurityEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The processor's security findings as records of {@code telemetry.security}: the same envelope and
 * {@link SecurityEvent} shape clients report (the seed's {@code reportSecurityEvent}: {@code event},
 * {@code data}, {@code severity}), so one reader serves the whole topic. {@code data.source} is
 * {@value #SOURCE}, which tells findings from client reports (and keeps the processor from re-reading its own).
 * The event id is derived from what the finding is about, so a replay produces the same id.
 */
public final class SecurityFindings {

    public static final String SOURCE = "stream-processor";
    public static final String RATE_LIMIT_EXCEEDED = "Rate Limit Exceeded";
    /** Longest input kept in a finding: enough to recognise the attack, not a copy of any payload. */
    private static final int MAX_INPUT = 256;

    private SecurityFindings() {
    }

    /**
     * @param identity what makes this finding unique (e.g. ip, endpoint and minute), hashed into its event id
     */
    public static Envelope finding(String event, String app, String clientIp, String userAgent, String severity,
                                   Instant at, Map<String, Object> details, String identity) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("source", SOURCE);
        details.forEach((k, v) -> {
            if (v instanceof Number n) {
                data.put(k, n.longValue());
            } else if (v != null) {
                String text = v.toString();
                data.put(k, text.length() > MAX_INPUT ? text.substring(0, MAX_INPUT) : text);
            }
        });
        String id = UUID.nameUUIDFromBytes((event + '\0' + app + '\0' + identity).getBytes(StandardCharsets.UTF_8)).toString();
        return new Envelope(Envelope.SCHEMA_VERSION, id, null, app, at, at, clientIp, userAgent,
                new SecurityEvent(event, data, at.toEpochMilli(), severity));
    }

    /** Whether a record of {@code telemetry.security} is one of the processor's own findings. */
    public static boolean isFinding(SecurityEvent event) {
        JsonNode source = event.data() == null ? null : event.data().get("source");
        return source != null && SOURCE.equals(source.asText());
    }
}
