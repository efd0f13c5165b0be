package dev.telemetry.processor.injection;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.processor.security.InjectionDetector;
import dev.telemetry.processor.security.SecurityFindings;
import dev.telemetry.processor.security.Verdict;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The seed's {@code detectSQLInjectionAttempt} and {@code detectXSSAttempt} on served requests: the path and the
 * query of each request go through the {@link InjectionDetector}. Input: envelopes of {@code telemetry.requests};
 * outputs: a finding per attack to {@code telemetry.security} and an item for its class's rollup alert.
 * Stateless: each request is judged on its own.
 */
public final class RequestInjectionProcessor extends InjectionChecks {

    public RequestInjectionProcessor(ProcessorSettings settings, ProcessorMetrics metrics) {
        super(settings, metrics);
    }

    @Override
    public void process(Record<String, Envelope> record) {
        Envelope envelope = record.value();
        if (envelope == null || !(envelope.event() instanceof RequestEvent request)) {
            return;
        }
        inspect(envelope, request, "path", request.endpoint());
        inspect(envelope, request, "query", request.query());
    }

    private void inspect(Envelope envelope, RequestEvent request, String field, String input) {
        Verdict verdict = detector.inspect(input);
        if (!verdict.attack()) {
            return;
        }
        String finding = verdict.attackClass().findingName();
        Instant at = envelope.eventTime();
        Map<String, Object> details = details(verdict, field, input);
        details.put("ip", request.ip());
        details.put("endpoint", request.endpoint());
        details.put("method", request.method());
        emit.finding(SecurityFindings.finding(finding, envelope.app(), request.ip(), request.userAgent(), "high", at, details,
                envelope.eventId() + "|" + field), at.toEpochMilli());
        emit.offense(attempt(verdict, envelope.app(), request.ip(), "a request " + field), at.toEpochMilli());
    }
}
