package dev.telemetry.processor.injection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.processor.rules.EventAlerts;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.security.SecurityFindings;
import dev.telemetry.processor.security.Verdict;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Client-reported security events (the seed's {@code reportSecurityEvent}). Input: envelopes of
 * {@code telemetry.security}, skipping the processor's own findings; outputs: an alert for
 * every event of severity high or critical, and a finding for reported inputs ({@code data.*} strings) in
 * which the detector sees SQL injection or XSS, with an item for its class's rollup alert when the event itself
 * was not alerted.
 */
public final class SecurityEventsProcessor extends InjectionChecks {

    public SecurityEventsProcessor(ProcessorSettings settings, ProcessorMetrics metrics) {
        super(settings, metrics);
    }

    @Override
    public void process(Record<String, Envelope> record) {
        Envelope envelope = record.value();
        if (envelope == null || !(envelope.event() instanceof SecurityEvent event) || SecurityFindings.isFinding(event)) {
            return;
        }
        Severity severity = Severity.fromWireName(event.severity() == null ? "medium" : event.severity());
        boolean alerted = severity.compareTo(Severity.HIGH) >= 0;
        if (alerted) {
            emit.alert(EventAlerts.firing("security_event", "security_events", envelope.app(),
                    Map.of("event", event.event()), 1, 0, Operator.GT, severity, channels,
                    Map.of("summary", "Security event reported: " + event.event()), envelope.eventTime()), record.timestamp());
        }
        JsonNode data = event.data();
        if (data == null || !data.isObject()) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = data.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isTextual()) {
                continue;
            }
            Verdict verdict = detector.inspect(field.getValue().asText());
            if (!verdict.attack()) {
                continue;
            }
            Map<String, Object> details = details(verdict, "data." + field.getKey(), field.getValue().asText());
            details.put("reportedEvent", event.event());
            Envelope finding = SecurityFindings.finding(verdict.attackClass().findingName(), envelope.app(),
                    envelope.clientIp(), envelope.userAgent(), "high", envelope.eventTime(), details,
                    envelope.eventId() + "|" + field.getKey());
            emit.finding(finding, record.timestamp());
            if (!alerted) {
                emit.offense(attempt(verdict, envelope.app(), envelope.clientIp(), "a reported input"),
                        record.timestamp());
                alerted = true;
            }
        }
    }
}
