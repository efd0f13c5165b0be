package dev.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.validation.FieldReader;
import dev.telemetry.events.validation.Limits;
import dev.telemetry.events.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The wire contract: every seed payload reads, round-trips, and every bad field is named. */
class ContractTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");

    /** One payload per event type, exactly as the seed's client code (or web-vitals) sends it. */
    static Stream<Arguments> seedPayloads() {
        return Stream.of(
                Arguments.of(EventType.VITAL, "{\"name\":\"LCP\",\"value\":2400.5,\"id\":\"v3-1700000000000-123\",\"navigationType\":\"navigate\"}"),
                Arguments.of(EventType.VITAL, "{\"name\":\"INP\",\"value\":180,\"rating\":\"good\",\"delta\":12,\"id\":\"v4-1\","
                        + "\"navigationType\":\"back-forward-cache\",\"entries\":[{\"name\":\"pointerdown\"}]}"),
                Arguments.of(EventType.VITAL, "{\"name\":\"feature-editor\",\"value\":321,\"id\":\"editor-1700000000000\",\"navigationType\":\"navigate\"}"),
                Arguments.of(EventType.METRIC, "{\"name\":\"api_latency\",\"value\":123.4,\"timestamp\":1764237600000}"),
                Arguments.of(EventType.METRIC, "{\"name\":\"queue_depth\",\"value\":7,\"timestamp\":1764237600000,\"tags\":{\"region\":\"eu\",\"shard\":3}}"),
                Arguments.of(EventType.ACTION, "{\"action\":\"save-journal\",\"duration\":87.2,\"metadata\":{\"words\":120,\"draft\":true},\"timestamp\":1764237600000}"),
                Arguments.of(EventType.ERROR, "{\"message\":\"Cannot read properties of undefined\",\"type\":\"TypeError\",\"stack\":\"TypeError: x\\n at a (app.js:1:2)\","
                        + "\"context\":{\"component\":\"Editor\"},\"tags\":{\"error_boundary\":\"true\"},\"level\":\"error\",\"url\":\"https://app.example/journal\"}"),
                Arguments.of(EventType.NETWORK_ERROR, "{\"url\":\"/api/journal\",\"status\":503,\"method\":\"POST\",\"duration\":1234}"),
                Arguments.of(EventType.FEEDBACK, "{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"comments\":\"The editor froze.\"}"),
                Arguments.of(EventType.SECURITY, "{\"event\":\"SQL Injection Attempt\",\"data\":{\"input\":\"1 OR 1=1\"},\"timestamp\":\"2026-11-27T10:00:00.000Z\",\"severity\":\"high\"}"),
                Arguments.of(EventType.REQUEST, "{\"ip\":\"203.0.113.7\",\"method\":\"GET\",\"endpoint\":\"/api/journal\",\"status\":200,\"durationMs\":42,"
                        + "\"userAgent\":\"Mozilla/5.0\",\"userId\":\"u1\",\"query\":\"page=2\"}"),
                Arguments.of(EventType.SYNTHETIC, "{\"success\":false,\"error\":\"Timeout 5000ms exceeded\",\"timestamp\":\"2026-11-27T10:00:00.000Z\"}"),
                // What the prober sends: the seed's shape plus the check's name and its failures in a row.
                Arguments.of(EventType.SYNTHETIC, "{\"check\":\"home\",\"success\":false,\"error\":\"expected status 200, got 500\","
                        + "\"durationMs\":12.5,\"timestamp\":\"2026-11-27T10:00:00.000Z\",\"consecutiveFailures\":3}"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("seedPayloads")
    void shouldReadAndRoundTripEverySeedPayload(EventType type, String json) throws Exception {
        FieldReader fields = new FieldReader(CODEC.readTree(json.getBytes(StandardCharsets.UTF_8)), Limits.defaults());
        TelemetryEvent event = type.read(fields);
        assertThat(fields.violations()).isEmpty();
        assertThat(event.eventType()).isEqualTo(type);

        Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, "e-1", type, "web", NOW,
                ClockSkew.defaults().eventTime(event.timestamp(), NOW), "203.0.113.7", "Mozilla/5.0", event);
        byte[] bytes = CODEC.writeEnvelope(envelope);
        Envelope back = CODEC.readEnvelope(bytes);

        assertThat(back).isEqualTo(envelope);
        assertThat(back.key()).isEqualTo("web|" + event.seriesKey());
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                Arguments.of(EventType.VITAL, "{\"value\":1,\"id\":\"a\"}", "name", "is required"),
                Arguments.of(EventType.VITAL, "{\"name\":\"CLS\",\"value\":-0.1,\"id\":\"a\"}", "value", "must not be negative for CLS"),
                Arguments.of(EventType.VITAL, "{\"name\":\"LCP\",\"value\":\"fast\",\"id\":\"a\"}", "value", "must be a number, got a string"),
                Arguments.of(EventType.VITAL, "{\"name\":\"LCP\",\"value\":1,\"id\":\"a\",\"rating\":\"great\"}", "rating", "must be one of"),
                Arguments.of(EventType.METRIC, "{\"name\":\"m\",\"value\":1e400}", "value", "must be a finite number"),
                Arguments.of(EventType.METRIC, "{\"name\":\"m\",\"value\":1,\"tags\":{\"a\":{\"b\":1}}}", "tags.a", "must be a string, number or boolean"),
                Arguments.of(EventType.METRIC, "{\"name\":\"m\",\"value\":1,\"timestamp\":\"yesterday\"}", "timestamp", "epoch milliseconds or an ISO-8601"),
                Arguments.of(EventType.METRIC, "{\"name\":\"\",\"value\":1}", "name", "must not be blank"),
                Arguments.of(EventType.ACTION, "{\"action\":\"a\",\"duration\":-5}", "duration", "must not be negative"),
                Arguments.of(EventType.ACTION, "{\"action\":\"a\",\"duration\":5,\"metadata\":[1]}", "metadata", "must be an object"),
                Arguments.of(EventType.ACTION, "{\"action\":\"a\",\"duration\":5,\"metadata\":{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}}", "metadata.a.b.c.d.e", "nested deeper than 5"),
                Arguments.of(EventType.ERROR, "{\"type\":\"TypeError\"}", "message", "is required"),
                Arguments.of(EventType.ERROR, "{\"message\":\"x\",\"level\":\"panic\"}", "level", "must be one of"),
                Arguments.of(EventType.NETWORK_ERROR, "{\"url\":\"/a\",\"status\":700,\"method\":\"GET\",\"duration\":1}", "status", "between 0 and 599"),
                Arguments.of(EventType.NETWORK_ERROR, "{\"url\":\"/a\",\"status\":500.5,\"method\":\"GET\",\"duration\":1}", "status", "whole number"),
                Arguments.of(EventType.FEEDBACK, "{\"name\":\"a\",\"email\":\"not-an-email\",\"comments\":\"c\"}", "email", "e-mail address"),
                Arguments.of(EventType.SECURITY, "{\"event\":\"x\",\"severity\":\"urgent\"}", "severity", "must be one of"),
                Arguments.of(EventType.REQUEST, "{\"ip\":\"1.2.3.4\",\"method\":\"GET\",\"endpoint\":\"/\",\"status\":99,\"durationMs\":1}", "status", "between 100 and 599"),
                Arguments.of(EventType.SYNTHETIC, "{\"check\":\"home\",\"success\":\"yes\"}", "success", "must be true or false"),
                Arguments.of(EventType.SYNTHETIC, "{\"success\":false,\"consecutiveFailures\":-1}", "consecutiveFailures", "must be between 0 and"),
                Arguments.of(EventType.SYNTHETIC, "{\"success\":false,\"consecutiveFailures\":1.5}", "consecutiveFailures", "must be a whole number"),
                Arguments.of(EventType.SYNTHETIC, "{\"success\":false,\"consecutiveFailures\":\"3\"}", "consecutiveFailures", "must be a whole number"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("invalidFields")
    void shouldNameTheFieldWhenItIsInvalid(EventType type, String json, String field, String message) throws Exception {
        FieldReader fields = new FieldReader(CODEC.readTree(json.getBytes(StandardCharsets.UTF_8)), Limits.defaults());
        type.read(fields);
        assertThat(fields.violations()).anySatisfy(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.message()).contains(message);
        });
    }

    @Test
    void shouldKeepConsecutiveFailuresWhenTheProberSendsThemAndLeaveThemOutOtherwise() throws Exception {
        FieldReader prober = new FieldReader(CODEC.readTree(
                "{\"check\":\"home\",\"success\":false,\"consecutiveFailures\":3}".getBytes(StandardCharsets.UTF_8)), Limits.defaults());
        FieldReader seed = new FieldReader(CODEC.readTree("{\"success\":true}".getBytes(StandardCharsets.UTF_8)), Limits.defaults());

        assertThat(((SyntheticEvent) EventType.SYNTHETIC.read(prober)).consecutiveFailures()).isEqualTo(3);
        assertThat(((SyntheticEvent) EventType.SYNTHETIC.read(seed)).consecutiveFailures()).isNull();
        assertThat(prober.violations()).isEmpty();
        assertThat(seed.violations()).isEmpty();
    }

    @Test
    void shouldReportEveryProblemWhenSeveralFieldsAreInvalid() throws Exception {
        FieldReader fields = new FieldReader(CODEC.readTree("{\"value\":\"x\",\"id\":7}".getBytes(StandardCharsets.UTF_8)), Limits.defaults());
        EventType.VITAL.read(fields);
        assertThat(fields.violations()).extracting(Violation::field).containsExactlyInAnyOrder("name", "value", "id");
    }

    @Test
    void shouldRejectDeepNestingWhenReading() {
        String deep = "[".repeat(10_000) + "]".repeat(10_000);
        assertThatThrownBy(() -> CODEC.readTree(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("read limit");
    }

    @Test
    void shouldRejectHugeStringsWhenReading() {
        String huge = "{\"name\":\"" + "a".repeat(1_000_000) + "\"}";
        assertThatThrownBy(() -> CODEC.readTree(huge.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("read limit");
    }

    @Test
    void shouldRejectHugeNumbersWhenReading() {
        String huge = "{\"value\":" + "9".repeat(1000) + "}";
        assertThatThrownBy(() -> CODEC.readTree(huge.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("read limit");
    }

    @Test
    void shouldRejectDuplicateKeysWhenReading() {
        assertThatThrownBy(() -> CODEC.readTree("{\"name\":\"a\",\"name\":\"b\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidJsonException.class).hasMessageContaining("duplicate key").hasMessageContaining("name");
    }

    @Test
    void shouldRejectNanAndInfinityWhenReading() {
        for (String bad : List.of("{\"value\":NaN}", "{\"value\":Infinity}", "{\"value\":-Infinity}")) {
            assertThatThrownBy(() -> CODEC.readTree(bad.getBytes(StandardCharsets.UTF_8)))
                    .as(bad).isInstanceOf(InvalidJsonException.class).hasMessageContaining("NaN and Infinity");
        }
    }

    @Test
    void shouldRejectTrailingGarbageAndTruncatedJsonWhenReading() {
        assertThatThrownBy(() -> CODEC.readTree("{\"a\":1} x".getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidJsonException.class);
        assertThatThrownBy(() -> CODEC.readTree("{\"a\":".getBytes(StandardCharsets.UTF_8))).isInstanceOf(InvalidJsonException.class);
    }

    @Test
    void shouldNameTheLineWhenNdjsonHasABadLine() {
        byte[] body = "{\"a\":1}\n{\"a\":\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CODEC.readLines(body)).isInstanceOf(InvalidJsonException.class).hasMessageStartingWith("line 2:");
    }

    @Test
    void shouldReadEveryLineWhenBodyIsNdjson() throws Exception {
        List<JsonNode> lines = CODEC.readLines("{\"a\":1}\r\n\n{\"a\":2}\n".getBytes(StandardCharsets.UTF_8));
        assertThat(lines).extracting(n -> n.get("a").asInt()).containsExactly(1, 2);
    }

    @Test
    void shouldUseServerTimeWhenClientClockIsImplausible() {
        ClockSkew skew = ClockSkew.defaults();
        assertThat(skew.eventTime(NOW.minusSeconds(30).toEpochMilli(), NOW)).isEqualTo(NOW.minusSeconds(30));
        assertThat(skew.eventTime(NOW.minusSeconds(7200).toEpochMilli(), NOW)).isEqualTo(NOW);
        assertThat(skew.eventTime(NOW.plusSeconds(120).toEpochMilli(), NOW)).isEqualTo(NOW);
        assertThat(skew.eventTime(NOW.plusSeconds(3).toEpochMilli(), NOW)).isEqualTo(NOW.plusSeconds(3));
        assertThat(skew.eventTime(null, NOW)).isEqualTo(NOW);
    }

    @Test
    void shouldKeyMetricsBySortedTagsWhenTagOrderDiffers() {
        MetricEvent a = new MetricEvent("m", 1, null, Map.of("b", "2", "a", "1"));
        MetricEvent b = new MetricEvent("m", 1, null, Map.of("a", "1", "b", "2"));
        assertThat(a.seriesKey()).isEqualTo(b.seriesKey()).isEqualTo("m{a=1,b=2}");
    }

    @Test
    void shouldRoundTripDerivedRecordsThroughTheirSerdes() {
        Summary summary = new Summary(Summary.SCHEMA_VERSION, "web", "api_latency", "api_latency{region=eu}", Map.of("region", "eu"),
                NOW, NOW.plusSeconds(60), 3, 30, 5, 15, 10);
        AlertEvent alert = new AlertEvent(AlertEvent.SCHEMA_VERSION, "abc", AlertStatus.FIRING, "latency", "api_latency", "mean",
                Map.of("alertname", "latency"), 10, 5, "gt", "high", List.of("#alerts"), Map.of("summary", "slow"),
                NOW, null, NOW.plusSeconds(60));
        JsonSerde<Summary> summaries = JsonSerde.summary();
        JsonSerde<AlertEvent> alerts = JsonSerde.alert();

        assertThat(summaries.deserializer().deserialize("t", summaries.serializer().serialize("t", summary))).isEqualTo(summary);
        assertThat(alerts.deserializer().deserialize("t", alerts.serializer().serialize("t", alert))).isEqualTo(alert);
        assertThat(new String(alerts.serializer().serialize("t", alert), StandardCharsets.UTF_8))
                .contains("\"status\":\"firing\"").contains("\"startsAt\":\"2026-11-27T10:00:00Z\"");
    }

    @Test
    void shouldFailWithSerializationExceptionWhenRecordIsPoison() {
        assertThatThrownBy(() -> JsonSerde.envelope().deserializer().deserialize("telemetry.metrics", "not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("telemetry.metrics");
    }

    @Test
    void shouldDeriveTheSeedsServerErrorWhenNetworkErrorIs5xx() {
        NetworkErrorEvent e = new NetworkErrorEvent("/api/journal", 503, "POST", 10, null);
        assertThat(e.isServerError()).isTrue();
        assertThat(e.asServerError().message()).isEqualTo("Server Error: 503 on POST /api/journal");
    }
}
