package dev.telemetry.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.derived.VitalOffenders;
import dev.telemetry.processor.security.SecurityFindings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON Schemas in docs/schemas describe exactly the fields the processor writes. */
class SchemaDocsTest {

    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

    static List<Arguments> records() {
        return List.of(
                Arguments.of("telemetry.summaries", new Summary(1, "shop", "LCP", "LCP{page=/}", Map.of("page", "/"), T,
                        T.plusSeconds(60), 2, 3.0, 1.0, 2.0, 1.5, 1.0, 2.0, 2.0, 2.0, 2.0, new Summary.Ratings(2, 0, 0))),
                Arguments.of("telemetry.alerts", new AlertEvent(1, "0123456789abcdef", AlertStatus.RESOLVED, "r", "m", "p95",
                        Map.of("alertname", "r"), 1, 2, "gt", "high", List.of("#a"), Map.of("summary", "s"), T, T, T)),
                Arguments.of("telemetry.slo", new SloReport(1, "shop", "checkout-availability", "availability", 99.9, "30d",
                        T, T.plusSeconds(60), 0.99, 99, 100, List.of(new SloReport.BurnRate("5m", 2, 499, 500)), 0.5, 9990,
                        10000)),
                Arguments.of("telemetry.audit", dev.telemetry.events.derived.AuditRecord.counts("shop", "telemetry.metrics",
                        0, T, T.plusSeconds(60), 5, 1, 1, 0, 2)),
                Arguments.of("telemetry.audit", dev.telemetry.events.derived.AuditRecord.progress("telemetry.metrics", 0,
                        42, T.plusSeconds(60))),
                Arguments.of("telemetry.vitals-attribution", new VitalOffenders(1, "shop", "/checkout", "LCP", T,
                        T.plusSeconds(60), 57, List.of(new VitalOffenders.Offender("main > img.hero", 41, 0, 4820.0)))),
                Arguments.of("telemetry.ratelimit", new RateLimitCount(1, "shop", "203.0.113.1", "/x", T, T.plusSeconds(60),
                        101, 100, true)),
                Arguments.of("telemetry.security", SecurityFindings.finding("Rate Limit Exceeded", "shop", "203.0.113.1",
                        "agent", "high", T, Map.of("ip", "203.0.113.1", "count", 101), "id")));
    }

    @ParameterizedTest
    @MethodSource("records")
    void shouldDeclareEveryWrittenFieldAndWriteEveryRequiredOneWhenRecordIsSerialized(String topic, Object record)
            throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode schema = mapper.readTree(Path.of("..", "docs", "schemas", topic + ".schema.json").toFile());
        JsonNode written = mapper.readTree(JsonCodec.standard().write(record));

        List<String> fields = new ArrayList<>();
        written.fieldNames().forEachRemaining(fields::add);
        List<String> declared = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(declared::add);
        List<String> required = new ArrayList<>();
        schema.get("required").forEach(n -> required.add(n.asText()));

        assertThat(declared).containsAll(fields.stream().filter(f -> !written.get(f).isNull()).toList());
        assertThat(fields).containsAll(required);
    }

    @org.junit.jupiter.api.Test
    void shouldDeclareEveryFieldOfAnOffenderWhenVitalsAttributionIsSerialized() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode items = mapper.readTree(Path.of("..", "docs", "schemas", "telemetry.vitals-attribution.schema.json")
                .toFile()).get("properties").get("offenders").get("items");
        JsonNode offender = mapper.readTree(JsonCodec.standard().write(new VitalOffenders(1, "shop", "/", "INP", T,
                T.plusSeconds(60), 3, List.of(new VitalOffenders.Offender("button#buy", 3, 1, 612.0))))).get("offenders").get(0);

        List<String> fields = new ArrayList<>();
        offender.fieldNames().forEachRemaining(fields::add);
        List<String> declared = new ArrayList<>();
        items.get("properties").fieldNames().forEachRemaining(declared::add);
        List<String> required = new ArrayList<>();
        items.get("required").forEach(n -> required.add(n.asText()));

        assertThat(declared).containsExactlyInAnyOrderElementsOf(fields);
        assertThat(fields).containsAll(required);
    }
}
