package dev.telemetry.rulelab.unit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.EventType;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The fields a test may give an input event: the gateway's wire fields of its kind (the components of its record in
 * {@code telemetry-events}, e.g. {@code endpoint}, {@code status}, {@code durationMs} for a request), less
 * {@code timestamp} (a test says {@code at}). An error's class is {@code errorType}, as in the gateway's mixed batch,
 * since {@code type} names the kind of event.
 */
final class WireFields {

    private WireFields() {
    }

    static Set<String> of(EventType type) {
        Set<String> fields = new LinkedHashSet<>();
        Arrays.stream(type.recordClass().getRecordComponents()).map(RecordComponent::getName).forEach(fields::add);
        fields.remove("timestamp");
        if (type == EventType.ERROR) {
            fields.remove("type");
            fields.add(ErrorEvent.ERROR_TYPE);
        }
        return fields;
    }

    /**
     * Fields the gateway requires that no rule looks at, when the test leaves them out: a request's {@code ip}
     * (a documentation address) and {@code method} ({@code GET}), a vital's {@code id}.
     */
    static void fillDefaults(EventType type, ObjectNode wire) {
        switch (type) {
            case REQUEST -> {
                if (!wire.has("ip")) {
                    wire.put("ip", "192.0.2.1");
                }
                if (!wire.has("method")) {
                    wire.put("method", "GET");
                }
            }
            case VITAL -> {
                if (!wire.has("id")) {
                    wire.put("id", "v1-rule-lab");
                }
            }
            default -> {
            }
        }
    }
}
