package dev.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.validation.FieldReader;
import dev.telemetry.events.validation.Limits;
import dev.telemetry.events.validation.Violation;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A vital's attribution, form factor and connection: what is kept, what is dropped, what is cut, what is refused. */
class VitalEventTest {

    private static final JsonCodec CODEC = JsonCodec.standard();

    /** {@code JSON.stringify(metric)} of web-vitals v4's attribution build: DOM nodes become {}, entries their toJSON(). */
    static final String LCP = "{\"name\":\"LCP\",\"value\":3120.4,\"rating\":\"needs-improvement\",\"delta\":3120.4,"
            + "\"id\":\"v4-1764237600000-1\",\"navigationType\":\"navigate\",\"entries\":[{\"name\":\"\",\"entryType\":"
            + "\"largest-contentful-paint\",\"startTime\":3120.4,\"size\":120000,\"url\":\"https://cdn.example/hero.jpg\"}],"
            + "\"attribution\":{\"target\":\"main>div.hero>img\",\"url\":\"https://cdn.example/hero.jpg\","
            + "\"timeToFirstByte\":412.5,\"resourceLoadDelay\":800,\"resourceLoadDuration\":1650.2,\"elementRenderDelay\":257.7,"
            + "\"navigationEntry\":{\"name\":\"https://shop.example/checkout\",\"entryType\":\"navigation\",\"responseStart\":412.5},"
            + "\"lcpResourceEntry\":{\"name\":\"https://cdn.example/hero.jpg\",\"entryType\":\"resource\"},"
            + "\"lcpEntry\":{\"name\":\"\",\"entryType\":\"largest-contentful-paint\",\"element\":{}},\"element\":{}}}";
    static final String INP = "{\"name\":\"INP\",\"value\":560,\"rating\":\"poor\",\"delta\":560,\"id\":\"v4-2\","
            + "\"navigationType\":\"navigate\",\"attribution\":{\"interactionTarget\":\"#checkout>button.pay\","
            + "\"interactionTargetElement\":{},\"interactionType\":\"pointer\",\"interactionTime\":10234.5,\"nextPaintTime\":10794.5,"
            + "\"processedEventEntries\":[{\"name\":\"pointerdown\",\"entryType\":\"event\"},{\"name\":\"click\"}],"
            + "\"longAnimationFrameEntries\":[{\"entryType\":\"long-animation-frame\",\"duration\":480,\"scripts\":[]}],"
            + "\"longestScript\":{\"entry\":{},\"subpart\":\"processing\"},\"totalScriptDuration\":470,"
            + "\"inputDelay\":12.3,\"processingDuration\":480,\"presentationDelay\":67.7,\"loadState\":\"complete\"}}";
    static final String CLS = "{\"name\":\"CLS\",\"value\":0.27,\"rating\":\"poor\",\"delta\":0.27,\"id\":\"v4-3\","
            + "\"navigationType\":\"navigate\",\"attribution\":{\"largestShiftTarget\":\"#ad-slot\",\"largestShiftTime\":2100,"
            + "\"largestShiftValue\":0.21,\"largestShiftEntry\":{\"entryType\":\"layout-shift\",\"value\":0.21,\"sources\":[]},"
            + "\"largestShiftSource\":{\"node\":{},\"previousRect\":{},\"currentRect\":{}},\"loadState\":\"dom-content-loaded\"}}";
    static final String FCP = "{\"name\":\"FCP\",\"value\":1400,\"rating\":\"good\",\"delta\":1400,\"id\":\"v4-4\","
            + "\"navigationType\":\"reload\",\"attribution\":{\"timeToFirstByte\":400,\"firstByteToFCP\":1000,"
            + "\"loadState\":\"dom-interactive\",\"fcpEntry\":{\"name\":\"first-contentful-paint\"},\"navigationEntry\":{}}}";
    static final String TTFB = "{\"name\":\"TTFB\",\"value\":412.5,\"rating\":\"good\",\"delta\":412.5,\"id\":\"v4-5\","
            + "\"navigationType\":\"navigate\",\"attribution\":{\"waitingDuration\":20,\"cacheDuration\":1.5,\"dnsDuration\":30,"
            + "\"connectionDuration\":60,\"requestDuration\":301,\"navigationEntry\":{\"entryType\":\"navigation\"}}}";

    static Stream<Arguments> attributions() {
        return Stream.of(
                Arguments.of(LCP, new VitalAttribution("main>div.hero>img", "https://cdn.example/hero.jpg", 412.5, 800.0,
                        1650.2, 257.7, null, null, null, null, null, null, null, null, null, null, null, null, null, null)),
                Arguments.of(INP, new VitalAttribution(null, null, null, null, null, null, "#checkout>button.pay", "pointer",
                        12.3, 480.0, 67.7, null, null, null, null, null, null, null, null, "complete")),
                Arguments.of(CLS, new VitalAttribution(null, null, null, null, null, null, null, null, null, null, null,
                        "#ad-slot", 0.21, null, null, null, null, null, null, "dom-content-loaded")),
                Arguments.of(FCP, new VitalAttribution(null, null, 400.0, null, null, null, null, null, null, null, null,
                        null, null, 1000.0, null, null, null, null, null, "dom-interactive")),
                Arguments.of(TTFB, new VitalAttribution(null, null, null, null, null, null, null, null, null, null, null,
                        null, null, null, 20.0, 1.5, 30.0, 60.0, 301.0, null)));
    }

    @ParameterizedTest
    @MethodSource("attributions")
    void shouldKeepTheDocumentedFieldsAndDropEntriesWhenTheAttributionBuildSendsAVital(String json, VitalAttribution expected) {
        FieldReader fields = reader(json);
        VitalEvent vital = VitalEvent.read(fields);

        assertThat(fields.violations()).isEmpty();
        assertThat(vital.attribution()).isEqualTo(expected);
    }

    @ParameterizedTest
    @MethodSource("attributions")
    void shouldRoundTripTheAttributionThroughTheEnvelope(String json, VitalAttribution expected) throws Exception {
        VitalEvent vital = VitalEvent.read(reader(json.replace("{\"name\"", "{\"formFactor\":\"phone\",\"connection\":\"3g\",\"name\"")));
        Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, "e-1", EventType.VITAL, "web",
                Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T10:00:00Z"), "203.0.113.7", "UA", vital);

        byte[] bytes = CODEC.writeEnvelope(envelope);

        assertThat(CODEC.readEnvelope(bytes)).isEqualTo(envelope);
        assertThat(((VitalEvent) CODEC.readEnvelope(bytes).event()).attribution()).isEqualTo(expected);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"formFactor\":\"phone\"").contains("\"connection\":\"3g\"")
                .doesNotContain("Entry").doesNotContain("\"target\":null");
    }

    @Test
    void shouldDropFieldsOfOtherVitalsWithoutCheckingThemWhenTheyComeAlong() {
        FieldReader fields = reader("{\"name\":\"LCP\",\"value\":1,\"id\":\"a\",\"attribution\":{\"target\":\"img\","
                + "\"inputDelay\":\"slow\",\"loadState\":\"whenever\",\"largestShiftValue\":-1}}");
        VitalEvent vital = VitalEvent.read(fields);

        assertThat(fields.violations()).isEmpty();
        assertThat(vital.attribution()).isEqualTo(new VitalAttribution("img", null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"FID", "TTI", "feature-editor", "page_load"})
    void shouldAcceptAndDropTheAttributionWhenTheVitalHasNoDocumentedOne(String name) {
        FieldReader fields = reader("{\"name\":\"" + name + "\",\"value\":12,\"id\":\"a\",\"attribution\":{\"eventTarget\":"
                + "\"button\",\"eventType\":\"click\",\"eventTime\":10,\"loadState\":\"complete\",\"eventEntry\":{}}}");
        VitalEvent vital = VitalEvent.read(fields);

        assertThat(fields.violations()).isEmpty();
        assertThat(vital.attribution()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"lcpEntry\":{},\"navigationEntry\":{\"a\":1},\"element\":{}}", "{\"target\":null,\"url\":null}"})
    void shouldLeaveTheAttributionOutWhenItHoldsNothingKept(String attribution) {
        FieldReader fields = reader("{\"name\":\"LCP\",\"value\":1,\"id\":\"a\",\"attribution\":" + attribution + "}");
        VitalEvent vital = VitalEvent.read(fields);

        assertThat(fields.violations()).isEmpty();
        assertThat(vital.attribution()).isNull();
    }

    @Test
    void shouldReadOldVitalsWithoutTheNewFieldsAsNull() {
        FieldReader fields = reader("{\"name\":\"LCP\",\"value\":2400.5,\"id\":\"v3-1\",\"navigationType\":\"navigate\"}");
        VitalEvent vital = VitalEvent.read(fields);

        assertThat(fields.violations()).isEmpty();
        assertThat(vital).isEqualTo(new VitalEvent("LCP", 2400.5, "v3-1", "navigate", null, null, null, null, null));
        assertThat(vital.attribution()).isNull();
        assertThat(vital.formFactor()).isNull();
        assertThat(vital.connection()).isNull();
    }

    @Test
    void shouldCutSelectorsAndTheUrlWhenTheyAreLongerThanTheLimits() {
        String longSelector = "div>".repeat(100);
        String longUrl = "https://cdn.example/" + "a".repeat(2000);
        VitalEvent lcp = VitalEvent.read(reader("{\"name\":\"LCP\",\"value\":1,\"id\":\"a\",\"attribution\":{\"target\":\""
                + longSelector + "\",\"url\":\"" + longUrl + "\"}}"));
        VitalEvent inp = VitalEvent.read(reader("{\"name\":\"INP\",\"value\":1,\"id\":\"a\",\"attribution\":{\"interactionTarget\":\""
                + longSelector + "\"}}"));
        VitalEvent cls = VitalEvent.read(reader("{\"name\":\"CLS\",\"value\":1,\"id\":\"a\",\"attribution\":{\"largestShiftTarget\":\""
                + longSelector + "\"}}"));

        assertThat(lcp.attribution().target()).isEqualTo(longSelector.substring(0, VitalAttribution.TARGET_LENGTH)).hasSize(256);
        assertThat(lcp.attribution().url()).isEqualTo(longUrl.substring(0, Limits.defaults().nameLength())).hasSize(1024);
        assertThat(inp.attribution().interactionTarget()).hasSize(256);
        assertThat(cls.attribution().largestShiftTarget()).hasSize(256);
    }

    @Test
    void shouldKeepSelectorsAtExactlyTheLimitWhole() {
        String selector = "b".repeat(VitalAttribution.TARGET_LENGTH);
        VitalEvent lcp = VitalEvent.read(reader("{\"name\":\"LCP\",\"value\":1,\"id\":\"a\",\"attribution\":{\"target\":\"" + selector + "\"}}"));

        assertThat(lcp.attribution().target()).isEqualTo(selector);
    }

    @Test
    void shouldNotSplitASurrogatePairWhenTheCutFallsInsideIt() {
        // 255 characters, then an emoji (two UTF-16 units) across the 256th and 257th: the whole emoji goes.
        String selector = "[data-label=\"" + "x".repeat(242) + "\uD83D\uDE00\"]";
        assertThat(selector.charAt(255)).isEqualTo('\uD83D');
        VitalEvent lcp = VitalEvent.read(reader("{\"name\":\"LCP\",\"value\":1,\"id\":\"a\",\"attribution\":{\"target\":\"" + selector.replace("\"", "\\\"") + "\"}}"));

        assertThat(lcp.attribution().target()).isEqualTo(selector.substring(0, 255));
        assertThat(FieldReader.hasLoneSurrogate(lcp.attribution().target())).isFalse();
    }

    @Test
    void shouldKeepASurrogatePairThatEndsExactlyAtTheLimit() {
        String selector = "x".repeat(254) + "\uD83D\uDE00" + "tail";

        assertThat(FieldReader.cut(selector, 256)).isEqualTo("x".repeat(254) + "\uD83D\uDE00");
        assertThat(FieldReader.cut(selector, 255)).isEqualTo("x".repeat(254));
        assertThat(FieldReader.cut("short", 256)).isEqualTo("short");
    }

    static Stream<Arguments> badAttributions() {
        return Stream.of(
                Arguments.of("LCP", "{\"target\":7}", "attribution.target", "must be a string, got a number"),
                Arguments.of("LCP", "{\"url\":{}}", "attribution.url", "must be a string, got an object"),
                Arguments.of("LCP", "{\"timeToFirstByte\":\"412\"}", "attribution.timeToFirstByte", "must be a number, got a string"),
                Arguments.of("LCP", "{\"resourceLoadDelay\":true}", "attribution.resourceLoadDelay", "must be a number, got a boolean"),
                Arguments.of("LCP", "{\"resourceLoadDuration\":[1]}", "attribution.resourceLoadDuration", "must be a number, got an array"),
                Arguments.of("LCP", "{\"elementRenderDelay\":-3}", "attribution.elementRenderDelay", "must not be negative"),
                Arguments.of("LCP", "{\"resourceLoadDelay\":1e400}", "attribution.resourceLoadDelay", "must be a finite number"),
                Arguments.of("INP", "{\"interactionTarget\":false}", "attribution.interactionTarget", "must be a string, got a boolean"),
                Arguments.of("INP", "{\"interactionType\":\"scroll\"}", "attribution.interactionType", "must be one of [pointer, keyboard]"),
                Arguments.of("INP", "{\"interactionType\":1}", "attribution.interactionType", "must be a string, got a number"),
                Arguments.of("INP", "{\"inputDelay\":\"12ms\"}", "attribution.inputDelay", "must be a number, got a string"),
                Arguments.of("INP", "{\"processingDuration\":\"480\"}", "attribution.processingDuration", "must be a number"),
                Arguments.of("INP", "{\"presentationDelay\":-0.5}", "attribution.presentationDelay", "must not be negative"),
                Arguments.of("INP", "{\"loadState\":\"interactive\"}", "attribution.loadState", "must be one of [loading, dom-interactive"),
                Arguments.of("CLS", "{\"largestShiftTarget\":[\"#ad\"]}", "attribution.largestShiftTarget", "must be a string, got an array"),
                Arguments.of("CLS", "{\"largestShiftValue\":\"0.2\"}", "attribution.largestShiftValue", "must be a number, got a string"),
                Arguments.of("CLS", "{\"loadState\":3}", "attribution.loadState", "must be a string"),
                Arguments.of("FCP", "{\"timeToFirstByte\":\"fast\"}", "attribution.timeToFirstByte", "must be a number"),
                Arguments.of("FCP", "{\"firstByteToFCP\":-1}", "attribution.firstByteToFCP", "must not be negative"),
                Arguments.of("TTFB", "{\"waitingDuration\":\"1\"}", "attribution.waitingDuration", "must be a number"),
                Arguments.of("TTFB", "{\"cacheDuration\":{}}", "attribution.cacheDuration", "must be a number"),
                Arguments.of("TTFB", "{\"dnsDuration\":null,\"connectionDuration\":\"x\"}", "attribution.connectionDuration", "must be a number"),
                Arguments.of("TTFB", "{\"requestDuration\":-2}", "attribution.requestDuration", "must not be negative"),
                Arguments.of("LCP", "\"main>img\"", "attribution", "must be an object, got a string"),
                Arguments.of("INP", "[{\"inputDelay\":1}]", "attribution", "must be an object, got an array"),
                Arguments.of("FID", "42", "attribution", "must be an object, got a number"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badAttributions")
    void shouldNameTheAttributionFieldWhenItHasTheWrongType(String name, String attribution, String field, String message) {
        FieldReader fields = reader("{\"name\":\"" + name + "\",\"value\":100,\"id\":\"a\",\"attribution\":" + attribution + "}");
        VitalEvent.read(fields);

        assertThat(fields.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo(field);
            assertThat(v.message()).contains(message);
        });
        assertThat(fields.violations().get(0).toString()).startsWith(field + ": " + message);
    }

    @Test
    void shouldReportEveryBadAttributionFieldWithTheOthersWhenSeveralAreBad() {
        FieldReader fields = reader("{\"name\":\"INP\",\"value\":\"x\",\"id\":\"a\",\"formFactor\":\"watch\",\"attribution\":"
                + "{\"inputDelay\":\"1\",\"processingDuration\":\"2\",\"interactionTarget\":\"ok\"}}");
        VitalEvent.read(fields);

        assertThat(fields.violations()).extracting(Violation::field)
                .containsExactlyInAnyOrder("value", "attribution.inputDelay", "attribution.processingDuration", "formFactor");
    }

    @ParameterizedTest
    @ValueSource(strings = {"phone", "tablet", "desktop"})
    void shouldKeepTheFormFactorWhenItIsOneOfCruxs(String formFactor) {
        FieldReader fields = reader("{\"name\":\"LCP\",\"value\":1,\"id\":\"a\",\"formFactor\":\"" + formFactor + "\"}");
        VitalEvent vital = VitalEvent.read(fields);

        assertThat(fields.violations()).isEmpty();
        assertThat(vital.formFactor()).isEqualTo(formFactor);
    }

    @ParameterizedTest
    @ValueSource(strings = {"slow-2g", "2g", "3g", "4g"})
    void shouldKeepTheConnectionWhenItIsAnEffectiveType(String connection) {
        FieldReader fields = reader("{\"name\":\"LCP\",\"value\":1,\"id\":\"a\",\"connection\":\"" + connection + "\"}");
        VitalEvent vital = VitalEvent.read(fields);

        assertThat(fields.violations()).isEmpty();
        assertThat(vital.connection()).isEqualTo(connection);
    }

    static Stream<Arguments> badFormFactorsAndConnections() {
        return Stream.of(
                Arguments.of("\"formFactor\":\"mobile\"", "formFactor", "must be one of [phone, tablet, desktop], got 'mobile'"),
                Arguments.of("\"formFactor\":\"Phone\"", "formFactor", "must be one of [phone, tablet, desktop]"),
                Arguments.of("\"formFactor\":1", "formFactor", "must be a string, got a number"),
                Arguments.of("\"connection\":\"5g\"", "connection", "must be one of [slow-2g, 2g, 3g, 4g], got '5g'"),
                Arguments.of("\"connection\":\"wifi\"", "connection", "must be one of [slow-2g, 2g, 3g, 4g]"),
                Arguments.of("\"connection\":{\"effectiveType\":\"4g\"}", "connection", "must be a string, got an object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFormFactorsAndConnections")
    void shouldNameTheFieldWhenFormFactorOrConnectionIsNotKnown(String field, String name, String message) {
        FieldReader fields = reader("{\"name\":\"LCP\",\"value\":1,\"id\":\"a\"," + field + "}");
        VitalEvent.read(fields);

        assertThat(fields.violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo(name);
            assertThat(v.message()).contains(message);
        });
    }

    @Test
    void shouldTakeTheDerivedFormFactorOnlyWhenTheClientSentNone() {
        VitalEvent without = new VitalEvent("LCP", 1, "a", null, null, null, null, null, null);
        VitalEvent with = new VitalEvent("LCP", 1, "a", null, null, null, null, null, null, null, "tablet", null);

        assertThat(without.withDerivedFormFactor("phone").formFactor()).isEqualTo("phone");
        assertThat(with.withDerivedFormFactor("phone").formFactor()).isEqualTo("tablet");
        assertThat(without.withDerivedFormFactor(null)).isSameAs(without);
    }

    private static FieldReader reader(String json) {
        try {
            return new FieldReader(CODEC.readTree(json.getBytes(StandardCharsets.UTF_8)), Limits.defaults());
        } catch (Exception e) {
            throw new AssertionError("test JSON is not JSON: " + json, e);
        }
    }
}
