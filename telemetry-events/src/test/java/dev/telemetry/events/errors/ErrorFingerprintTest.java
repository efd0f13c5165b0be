package dev.telemetry.events.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.NetworkErrorEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Error fingerprints (what varies is stripped), shared by the processor and the console. */
class ErrorFingerprintTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\0', value = {
            "Order 12345 not found|Order <n> not found",
            "Failed to fetch https://api.example.com/v1/orders?id=9 (status 503)|Failed to fetch <url> (status <n>)",
            "User 'alice' has no access to \"reports\"|User <str> has no access to <str>",
            "Request 3f2b8c1e-1d2a-4b5c-9e8f-0a1b2c3d4e5f failed at 0x7ffe12ab|Request <id> failed at <hex>",
            "Cannot read properties of undefined   (reading 'id')|Cannot read properties of undefined (reading <str>)"})
    void shouldStripVariablePartsWhenMessageIsNormalised(String message, String normalised) {
        assertThat(ErrorFingerprint.normalise(message)).isEqualTo(normalised);
    }

    @Test
    void shouldGroupErrorsWhenOnlyIdsAndLineNumbersDiffer() {
        String a = ErrorFingerprint.of("TypeError", "cart 12 is empty", "TypeError\n    at checkout (https://x/app.js:10:5)");
        String b = ErrorFingerprint.of("TypeError", "cart 98 is empty", "TypeError\n    at checkout (https://x/app.js:11:7)");
        String otherFrame = ErrorFingerprint.of("TypeError", "cart 12 is empty", "TypeError\n    at render (https://x/app.js:10:5)");
        String otherType = ErrorFingerprint.of("RangeError", "cart 12 is empty", "TypeError\n    at checkout (https://x/app.js:10:5)");

        assertThat(a).isEqualTo(b).hasSize(16).isNotEqualTo(otherFrame).isNotEqualTo(otherType);
    }

    @Test
    void shouldKeepFrameAsSentWhenFirstFrameIsAskedAndStripItWhenGrouping() {
        String stack = "TypeError: boom\n    at checkout (https://x/app.js:10:5)\n    at main (https://x/app.js:2:1)";

        assertThat(ErrorFingerprint.firstFrame(stack)).isEqualTo("checkout (https://x/app.js:10:5)");
        assertThat(ErrorFingerprint.topFrame(stack)).isEqualTo("checkout (<url>");
        assertThat(ErrorFingerprint.firstFrame("no frames here")).isEmpty();
        assertThat(ErrorFingerprint.firstFrame(null)).isEmpty();
    }

    @Test
    void shouldKeepEveryErrorOfOneFingerprintOnOneKafkaKeyWhenTypeIsPartOfBoth() {
        // The processor counts errors per fingerprint and remembers fingerprints without a repartition: that is
        // only correct while one fingerprint implies one raw key (app|type), i.e. while the type feeds both.
        ErrorEvent untyped = new ErrorEvent("cart 12 is empty", null, null, null, null, "error", null, null);
        ErrorEvent typedError = new ErrorEvent("cart 98 is empty", "Error", null, null, null, "error", null, null);
        Envelope a = envelope(untyped);
        Envelope b = envelope(typedError);

        assertThat(ErrorFingerprint.of(untyped.type(), untyped.message(), untyped.stack()))
                .isEqualTo(ErrorFingerprint.of(typedError.type(), typedError.message(), typedError.stack()));
        assertThat(a.key()).isEqualTo(b.key()).isEqualTo("shop|Error");
    }

    @Test
    void shouldCountOnlyErrorEventsWhenServerErrorsArriveAsTheGatewaysOwnErrorEvent() {
        NetworkErrorEvent serverError = new NetworkErrorEvent("/api/sync", 503, "POST", 12, null);

        assertThat(ReportedErrors.asError(serverError)).isNull();
        assertThat(ReportedErrors.asError(serverError.asServerError())).isEqualTo(serverError.asServerError());
    }

    private static Envelope envelope(ErrorEvent error) {
        Instant now = Instant.parse("2025-03-01T10:00:00Z");
        return new Envelope(Envelope.SCHEMA_VERSION, "e-" + error.message().hashCode(), null, "shop", now, now, null, null, error);
    }
}
