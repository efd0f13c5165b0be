package dev.telemetry.alerts.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpClassifierTest {

    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "200, delivered", "204, delivered", "299, delivered",
            "301, permanent", "400, permanent", "401, permanent", "403, permanent", "404, permanent", "410, permanent",
            "422, permanent",
            "408, retryable", "429, retryable", "500, retryable", "502, retryable", "503, retryable", "504, retryable"})
    void shouldClassifyTheStatusWhenAReceiverAnswers(int status, String outcome) {
        assertThat(HttpClassifier.classify(status, Optional.empty(), "", NOW).outcome()).isEqualTo(outcome);
    }

    @ParameterizedTest(name = "Retry-After: ''{0}''")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            120                            | PT2M
            0                              | PT0S
            Wed, 01 May 2024 10:01:30 GMT  | PT1M30S
            Wed, 01 May 2024 09:59:00 GMT  | PT0S
            soon                           | none
            -5                             | none
            1.5                            | none
            """)
    void shouldHonourRetryAfterWhenItIsSecondsOrAnHttpDate(String header, String expected) {
        DeliveryResult result = HttpClassifier.classify(503, Optional.of(header), "", NOW);

        assertThat(((DeliveryResult.Retryable) result).retryAfter())
                .isEqualTo(Optional.ofNullable(expected).map(Duration::parse));
    }

    @Test
    void shouldIgnoreRetryAfterWhenTheFailureIsPermanent() {
        assertThat(HttpClassifier.classify(400, Optional.of("10"), "", NOW)).isEqualTo(new DeliveryResult.Permanent("HTTP 400"));
    }

    @Test
    void shouldShortenTheBodyWhenItIsLong() {
        DeliveryResult result = HttpClassifier.classify(500, Optional.empty(), "x".repeat(5000), NOW);

        assertThat(((DeliveryResult.Retryable) result).reason()).hasSize("HTTP 500: ".length() + HttpClassifier.MAX_BODY_IN_REASON + 1);
    }

    @Test
    void shouldBeRetryableWhenTheRequestGotNoAnswer() {
        assertThat(HttpClassifier.classify(new HttpConnectTimeoutException("connect timed out")))
                .isEqualTo(new DeliveryResult.Retryable("timed out: connect timed out"));
        assertThat(HttpClassifier.classify(new ConnectException())).isEqualTo(new DeliveryResult.Retryable("connection failed"));
        assertThat(HttpClassifier.classify(new IOException("reset"))).isEqualTo(new DeliveryResult.Retryable("I/O error: IOException: reset"));
        assertThat(HttpClassifier.classify(new IllegalStateException("bug")).outcome()).isEqualTo("permanent");
    }
}
