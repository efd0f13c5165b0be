package dev.telemetry.events.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Envelopes read in one streaming pass are read exactly as through the tree (value or error message), and the
 * envelopes the codec writes take the streaming pass.
 */
class JsonCodecEnvelopeTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private static final String HEAD = "{\"schemaVersion\":1,\"eventId\":\"e-1\",\"type\":\"%s\",\"app\":\"web\","
            + "\"receivedAt\":\"2025-03-01T10:00:00.123Z\",\"eventTime\":\"2025-03-01T10:00:00Z\",\"clientIp\":%s,"
            + "\"userAgent\":\"agent\",\"event\":%s}";

    static Stream<String> asWritten() {
        return Stream.of(
                HEAD.formatted("metric", "\"203.0.113.7\"",
                        "{\"name\":\"api_latency\",\"value\":123.4,\"timestamp\":1764237600000,\"tags\":{\"a\":\"b\"}}"),
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":7,\"timestamp\":null,\"tags\":{}}"),
                HEAD.formatted("vital", "\"::1\"", "{\"name\":\"LCP\",\"value\":2400.5,\"id\":\"v\",\"navigationType\":"
                        + "\"navigate\",\"rating\":\"good\",\"delta\":12.0,\"page\":\"/\",\"url\":\"https://x/\",\"timestamp\":1}"),
                // A vital with attribution, form factor and connection; one of each vital's attribution shape.
                HEAD.formatted("vital", "\"::1\"", "{\"name\":\"INP\",\"value\":560.0,\"id\":\"v4-2\",\"navigationType\":"
                        + "\"navigate\",\"rating\":\"poor\",\"delta\":560.0,\"page\":\"/checkout\",\"url\":null,\"timestamp\":1,"
                        + "\"attribution\":{\"interactionTarget\":\"#pay\",\"interactionType\":\"pointer\",\"inputDelay\":12.3,"
                        + "\"processingDuration\":480.0,\"presentationDelay\":67.7,\"loadState\":\"complete\"},"
                        + "\"formFactor\":\"phone\",\"connection\":\"4g\"}"),
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":3120.4,\"id\":\"v4-1\",\"navigationType\":null,"
                        + "\"rating\":null,\"delta\":null,\"page\":null,\"url\":null,\"timestamp\":null,\"attribution\":{\"target\":"
                        + "\"main>img.hero\",\"url\":\"https://cdn.example/h\\u00e9ro.jpg\",\"timeToFirstByte\":412.5,"
                        + "\"resourceLoadDelay\":800.0,\"resourceLoadDuration\":1650.2,\"elementRenderDelay\":257.7},\"formFactor\":\"desktop\"}"),
                HEAD.formatted("vital", "null", "{\"name\":\"CLS\",\"value\":0.27,\"id\":\"v4-3\",\"attribution\":"
                        + "{\"largestShiftTarget\":\"#ad\",\"largestShiftValue\":0.21,\"loadState\":\"loading\"},\"connection\":\"slow-2g\"}"),
                HEAD.formatted("vital", "null", "{\"name\":\"FCP\",\"value\":1400.0,\"id\":\"v4-4\",\"attribution\":"
                        + "{\"timeToFirstByte\":400.0,\"firstByteToFCP\":1000.0,\"loadState\":\"dom-interactive\"},\"formFactor\":\"tablet\"}"),
                HEAD.formatted("vital", "null", "{\"name\":\"TTFB\",\"value\":412.5,\"id\":\"v4-5\",\"attribution\":"
                        + "{\"waitingDuration\":20.0,\"cacheDuration\":0.0,\"dnsDuration\":30.0,\"connectionDuration\":60.0,"
                        + "\"requestDuration\":302.5}}"),
                // A record written before the fields existed: they read as null.
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":1.0,\"id\":\"v\",\"navigationType\":null,"
                        + "\"rating\":null,\"delta\":null,\"page\":null,\"url\":null,\"timestamp\":null}"),
                HEAD.formatted("action", "\"10.0.0.1\"", "{\"action\":\"save\",\"duration\":87.2,\"metadata\":{\"words\":"
                        + "120,\"ratio\":0.1000000000000000055511151231257827,\"big\":123456789012345678901234,"
                        + "\"draft\":true,\"list\":[1,2.5,\"x\",null]},\"timestamp\":1764237600000}"),
                HEAD.formatted("request", "\"10.0.0.1\"", "{\"ip\":\"10.0.0.1\",\"method\":\"GET\",\"endpoint\":\"/a\","
                        + "\"status\":200,\"durationMs\":12.5,\"userAgent\":\"u\",\"userId\":null,\"query\":\"q=\\u00e9\","
                        + "\"timestamp\":5}"),
                HEAD.formatted("error", "\"10.0.0.1\"", "{\"message\":\"boom\",\"type\":\"TypeError\",\"stack\":\"s\","
                        + "\"context\":{\"component\":\"Editor\"},\"tags\":{\"k\":\"v\"},\"level\":\"error\",\"url\":\"u\","
                        + "\"timestamp\":1}"),
                HEAD.formatted("synthetic", "null", "{\"check\":\"home\",\"success\":false,\"error\":\"timeout\","
                        + "\"durationMs\":3000.0,\"timestamp\":1,\"consecutiveFailures\":3}"),
                // Unknown fields are skipped, in the envelope as in the event.
                HEAD.formatted("metric", "\"1.2.3.4\"", "{\"name\":\"m\",\"value\":1,\"extra\":{\"x\":[1,{}]}}")
                        .replace("\"app\"", "\"extra\":[{\"a\":1},2],\"app\""));
    }

    static Stream<String> unusual() {
        return Stream.concat(asWritten().map(json -> json.replace("\"schemaVersion\":1,", "")), Stream.of(
                // event before type, numbers and booleans for strings, conversions of asInt and asText
                "{\"event\":{\"name\":\"m\",\"value\":1},\"schemaVersion\":1,\"eventId\":\"e\",\"type\":\"metric\","
                        + "\"app\":\"web\",\"receivedAt\":\"2025-03-01T10:00:00Z\",\"eventTime\":\"2025-03-01T10:00:00Z\"}",
                HEAD.formatted("metric", "1.50", "{\"name\":1.50,\"value\":1,\"tags\":{\"a\":-0,\"b\":true,\"c\":1e3}}"),
                HEAD.formatted("metric", "true", "{\"name\":\"m\",\"value\":\"1.5\"}").replace("\"schemaVersion\":1",
                        "\"schemaVersion\":\"2\""),
                HEAD.formatted("metric", "{}", "{\"name\":\"m\",\"value\":1}").replace("\"schemaVersion\":1",
                        "\"schemaVersion\":12345678901"),
                HEAD.formatted("METRIC", "null", "{\"name\":\"m\",\"value\":1.5}"),
                // attribution: unknown keys and objects skipped, nulls, a number for a string (tree only), not an object
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":1,\"id\":\"v\",\"attribution\":{\"lcpEntry\":"
                        + "{\"element\":{}},\"target\":\"img\",\"extra\":[1,{\"a\":null}],\"url\":null},\"formFactor\":null}"),
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":1,\"id\":\"v\",\"attribution\":{\"target\":1.50}}"),
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":1,\"id\":\"v\",\"attribution\":{\"timeToFirstByte\":\"4\"}}"),
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":1,\"id\":\"v\",\"attribution\":\"img\"}"),
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":1,\"id\":\"v\",\"attribution\":[]}"),
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":1,\"id\":\"v\",\"attribution\":{\"target\":\"a\","
                        + "\"target\":\"b\"}}"),
                HEAD.formatted("vital", "null", "{\"name\":\"LCP\",\"value\":1,\"id\":\"v\",\"formFactor\":7,\"connection\":true}"),
                // errors: each must be the tree's
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":1}") + " {}",
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":1}").replace("\"app\"", "\"eventId\":\"x\",\"app\""),
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":1,\"value\":2}"),
                HEAD.formatted("nope", "null", "{\"name\":\"m\",\"value\":1}"),
                HEAD.formatted("metric", "null", "null"),
                HEAD.formatted("metric", "null", "[]"),
                HEAD.formatted("vital", "null", "{\"name\":\"m\",\"value\":1}"),
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":NaN}"),
                HEAD.formatted("metric", "null", "{\"name\":\"m\"}"),
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":1}").replace("\"eventId\":\"e-1\"", "\"eventId\":1"),
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":1}").replace("10:00:00Z", "yesterday"),
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":1}").replace(",\"app\":\"web\"", ""),
                HEAD.formatted("metric", "null", "{\"name\":\"m\",\"value\":1"),
                "[]", "", "   ", "42", "{}"));
    }

    @ParameterizedTest
    @MethodSource("asWritten")
    void shouldStreamWhatTheWriterWrites(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(CODEC.readEnvelopeStreaming(bytes)).isNotNull().isEqualTo(CODEC.readEnvelopeFromTree(bytes));
        byte[] written = CODEC.writeEnvelope(CODEC.readEnvelopeFromTree(bytes));
        assertThat(CODEC.readEnvelopeStreaming(written)).isNotNull().isEqualTo(CODEC.readEnvelopeFromTree(written));
    }

    @ParameterizedTest
    @MethodSource({"asWritten", "unusual"})
    void shouldReadEveryEnvelopeAsTheTreeReadsIt(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThat(outcome(() -> CODEC.readEnvelope(bytes))).isEqualTo(outcome(() -> CODEC.readEnvelopeFromTree(bytes)));
    }

    private interface Read {
        Object read() throws InvalidJsonException;
    }

    /** The envelope read (with its event's exact values), or the error's message. */
    private static String outcome(Read read) {
        try {
            Object envelope = read.read();
            return "read " + envelope;
        } catch (InvalidJsonException e) {
            return "error " + e.getMessage();
        }
    }
}
