package dev.telemetry.processor.injection;

import dev.telemetry.events.Envelope;
import dev.telemetry.processor.security.InjectionDetector;
import dev.telemetry.processor.security.Verdict;
import dev.telemetry.processor.stage.DetectorEmitter;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.rules.Severity;
import dev.telemetry.processor.stage.DetectorOutput;
import dev.telemetry.processor.stage.Offense;
import dev.telemetry.processor.stage.ProcessorMetrics;
import dev.telemetry.processor.stage.ProcessorSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * What the two injection checks (on served requests, on inputs reported with security events) share: the detector,
 * where their alerts go, and the details every injection finding carries, so both describe an attack alike.
 */
abstract class InjectionChecks implements Processor<String, Envelope, String, DetectorOutput> {

    final List<String> channels;
    final InjectionDetector detector = new InjectionDetector();
    private final ProcessorMetrics metrics;
    DetectorEmitter emit;

    InjectionChecks(ProcessorSettings settings, ProcessorMetrics metrics) {
        this.channels = settings.detection().securityChannels();
        this.metrics = metrics;
    }

    @Override
    public final void init(ProcessorContext<String, DetectorOutput> context) {
        this.emit = new DetectorEmitter(context, metrics);
    }

    /**
     * The item an attack adds to its class's rollup alert ({@code sqli_attempt}, {@code xss_attempt}): one alert per
     * app and window names how many IPs attacked and which most, instead of one alert per attempt.
     */
    static Offense attempt(Verdict verdict, String app, String ip, String where) {
        return new Offense(verdict.attackClass().wireName() + "_attempt", app, Severity.HIGH.wireName(),
                "injection_attempts", "ip", ip, 0, Operator.GT.wireName(),
                "sent a " + verdict.attackClass().findingName() + " in " + where);
    }

    /** The details of a finding for {@code verdict} on {@code input} (from {@code field}); callers add their own. */
    static Map<String, Object> details(Verdict verdict, String field, String input) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("class", verdict.attackClass().wireName());
        details.put("field", field);
        details.put("input", input);
        details.put("rule", verdict.rule());
        return details;
    }
}
