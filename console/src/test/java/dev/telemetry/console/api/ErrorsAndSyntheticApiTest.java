package dev.telemetry.console.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.console.view.ErrorView;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.view.SyntheticView;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.errors.ErrorFingerprint;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The errors and synthetic APIs over their views: the join of summaries with raw samples, filters, bad parameters. */
class ErrorsAndSyntheticApiTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SeriesView series = new SeriesView(Duration.ofHours(6), 100, 360, clock);
    private final ErrorView errors = new ErrorView(Duration.ofHours(6), 100, clock);
    private final SyntheticView synthetic = new SyntheticView(Duration.ofHours(6), 100, clock);
    private final ErrorsApi errorsApi = new ErrorsApi(series, errors);
    private final SyntheticApi syntheticApi = new SyntheticApi(series, synthetic);

    @Test
    @SuppressWarnings("unchecked")
    void joinsCountsPerWindowWithSamplesAndMarksSortedByCount() {
        String checkout = ErrorFingerprint.of("TypeError", "cart 1 is empty", null);
        String login = ErrorFingerprint.of("AuthError", "login failed", null);
        Instant w1 = NOW.minusSeconds(180);
        Instant w2 = NOW.minusSeconds(120);
        series.add(errorCount("shop", checkout, "TypeError", "validation", "low", w1, 2));
        series.add(errorCount("shop", checkout, "TypeError", "validation", "low", w2, 5));
        series.add(errorCount("shop", login, "AuthError", "authentication", "high", w2, 1));
        errors.add(error("shop", "TypeError", "cart 1 is empty", 170));
        errors.add(error("shop", "TypeError", "cart 2 is empty", 100));
        // Seen raw, its window not closed yet: listed with count 0.
        errors.add(error("shop", "RangeError", "<script>x</script>", 5));
        errors.add(regression("shop", login));

        Map<String, Object> body = errorsApi.errors(Map.of());
        List<ErrorsApi.Fingerprint> found = (List<ErrorsApi.Fingerprint>) body.get("fingerprints");
        assertThat(body.get("count")).isEqualTo(3);
        assertThat(found).extracting(ErrorsApi.Fingerprint::type).containsExactly("TypeError", "AuthError", "RangeError");
        ErrorsApi.Fingerprint top = found.get(0);
        assertThat(top.fingerprint()).isEqualTo(checkout);
        assertThat(top.count()).isEqualTo(7);
        assertThat(top.windows()).extracting(ErrorsApi.WindowCount::count).containsExactly(2L, 5L);
        assertThat(top.category()).isEqualTo("validation");
        assertThat(top.severity()).isEqualTo("low");
        assertThat(top.message()).isEqualTo("cart 2 is empty");
        assertThat(top.firstSeen()).isEqualTo(NOW.minusSeconds(170));
        assertThat(top.lastSeen()).isEqualTo(NOW.minusSeconds(100));
        ErrorsApi.Fingerprint summaryOnly = found.get(1);
        assertThat(summaryOnly.status()).isEqualTo("regressed");
        assertThat(summaryOnly.message()).isNull();
        assertThat(summaryOnly.firstSeen()).isEqualTo(w2);
        assertThat(found.get(2).count()).isZero();
        assertThat(found.get(2).message()).isEqualTo("<script>x</script>");
        assertThat(body.get("regressed")).isEqualTo(1);

        assertThat(errorsApi.errors(Map.of("status", List.of("regressed"))).get("count")).isEqualTo(1);
        assertThat(errorsApi.errors(Map.of("status", List.of("new"))).get("count")).isEqualTo(0);
        assertThat(errorsApi.errors(Map.of("severity", List.of("high"))).get("count")).isEqualTo(1);
        assertThat(errorsApi.errors(Map.of("category", List.of("validation"), "type", List.of("TypeError"))).get("count"))
                .isEqualTo(1);
        assertThat(errorsApi.errors(Map.of("app", List.of("blog"))).get("count")).isEqualTo(0);
        assertThatThrownBy(() -> errorsApi.errors(Map.of("status", List.of("old"))))
                .isInstanceOfSatisfying(BadParameter.class, e -> assertThat(e.parameter()).isEqualTo("status"));
        assertThatThrownBy(() -> errorsApi.errors(Map.of("fingerprint", List.of("x"))))
                .isInstanceOfSatisfying(BadParameter.class, e -> assertThat(e.parameter()).isEqualTo("fingerprint"));
        assertThatThrownBy(() -> errorsApi.errors(Map.of("type", List.of("<img>"))))
                .isInstanceOfSatisfying(BadParameter.class, e -> assertThat(e.parameter()).isEqualTo("type"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void givesAvailabilityAndDurationPerWindowWithTheLatestRunAndFailure() {
        Instant w1 = NOW.minusSeconds(180);
        Instant w2 = NOW.minusSeconds(120);
        series.add(check("shop", "synthetic_availability", "checkout", w1, 4, 1.0));
        series.add(check("shop", "synthetic_availability", "checkout", w2, 4, 0.5));
        series.add(check("shop", "synthetic_duration", "checkout", w2, 4, 800));
        synthetic.add(run("shop", "checkout", false, "HTTP 502 on /cart", 110));
        synthetic.add(run("shop", "checkout", true, null, 100));
        synthetic.add(run("shop", "login", false, "timeout", 20));

        Map<String, Object> body = syntheticApi.synthetic(Map.of("app", List.of("shop")));
        List<SyntheticApi.Check> checks = (List<SyntheticApi.Check>) body.get("checks");
        assertThat(checks).extracting(SyntheticApi.Check::check).containsExactly("checkout", "login");
        SyntheticApi.Check checkout = checks.get(0);
        assertThat(checkout.availability()).isEqualTo(0.75);
        assertThat(checkout.runs()).isEqualTo(8);
        assertThat(checkout.windows()).extracting(SyntheticApi.Window::availability).containsExactly(1.0, 0.5);
        assertThat(checkout.windows()).extracting(SyntheticApi.Window::durationMean).containsExactly(null, 800.0);
        assertThat(checkout.lastRun().success()).isTrue();
        assertThat(checkout.lastFailure().error()).isEqualTo("HTTP 502 on /cart");
        assertThat(checks.get(1).availability()).isNull();
        assertThat(body.get("failing")).isEqualTo(1L);
        assertThat(syntheticApi.synthetic(Map.of("check", List.of("login"))).get("count")).isEqualTo(1);
        assertThatThrownBy(() -> syntheticApi.synthetic(Map.of("check", List.of(""))))
                .isInstanceOfSatisfying(BadParameter.class, e -> assertThat(e.parameter()).isEqualTo("check"));
    }

    private static Summary errorCount(String app, String fingerprint, String type, String category, String severity,
                                      Instant start, long count) {
        Map<String, String> labels = Map.of("fingerprint", fingerprint, "type", type, "category", category,
                "severity", severity);
        return new Summary(1, app, "errors", dev.telemetry.events.SeriesKeys.format("errors", labels), labels, start,
                start.plusSeconds(60), count, count, 1, 1, 1);
    }

    private static Summary check(String app, String metric, String check, Instant start, long count, double mean) {
        return new Summary(1, app, metric, metric + "{check=" + check + "}", Map.of("check", check), start,
                start.plusSeconds(60), count, mean * count, 0, 1, mean, mean, mean, mean, mean * 1.2, mean * 1.3, null);
    }

    private static Envelope error(String app, String type, String message, int secondsAgo) {
        Instant at = NOW.minusSeconds(secondsAgo);
        return new Envelope(1, "e-" + System.nanoTime(), null, app, at, at, "192.0.2.1", "ua",
                new ErrorEvent(message, type, null, null, null, "error", null, null));
    }

    private static Envelope run(String app, String check, boolean success, String error, int secondsAgo) {
        Instant at = NOW.minusSeconds(secondsAgo);
        return new Envelope(1, "s-" + System.nanoTime(), null, app, at, at, "192.0.2.1", "ua",
                new SyntheticEvent(check, success, error, 100.0, null, success ? 0 : 1));
    }

    private static AlertEvent regression(String app, String fingerprint) {
        return new AlertEvent(1, "reg", AlertStatus.FIRING, "error_regression", "errors", "count",
                Map.of("alertname", "error_regression", "app", app, "fingerprint", fingerprint), 12, 10, "gt",
                "medium", List.of(), Map.of(), NOW.minusSeconds(60), null, NOW.minusSeconds(60));
    }
}
