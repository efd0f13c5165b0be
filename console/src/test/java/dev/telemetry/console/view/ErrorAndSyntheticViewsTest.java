package dev.telemetry.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.errors.ErrorFingerprint;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The errors view's samples and new / regressed marks, the synthetic checks' latest runs, and the security class filter. */
class ErrorAndSyntheticViewsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    static final String STACK = "TypeError: x is undefined\n    at checkout (https://shop.example/app.js:10:5)\n    at main (app.js:1:1)";
    private final ViewsTest.TestClock clock = new ViewsTest.TestClock();

    @Test
    void keepsFirstAndLastSeenAndTheLatestSampleWithTheProcessorsFingerprint() {
        ErrorView view = new ErrorView(Duration.ofHours(6), 100, clock);
        String payload = "<img src=x onerror=\"window.__xss=1\"> for cart 12";

        assertThat(view.add(error("shop", "TypeError", payload, STACK, 300))).isTrue();
        assertThat(view.add(error("shop", "TypeError", "<img src=x onerror=\"window.__xss=1\"> for cart 98",
                STACK.replace("10:5", "11:7"), 60))).isTrue();
        // An older occurrence read late only moves firstSeen back; the sample stays the latest.
        assertThat(view.add(error("shop", "TypeError", "<img src=x onerror=\"window.__xss=1\"> for cart 1", STACK, 900))).isTrue();
        assertThat(view.add(error("shop", "TypeError", "too old", STACK, 7 * 3600))).isFalse();
        assertThat(view.add(envelope("shop", new MetricEvent("m", 1, null, null), 10))).isFalse();
        assertThat(view.add((Envelope) null)).isFalse();

        List<ErrorView.Sample> samples = view.samples("shop");
        assertThat(samples).hasSize(1);
        ErrorView.Sample s = samples.get(0);
        assertThat(s.fingerprint()).isEqualTo(ErrorFingerprint.of("TypeError", payload, STACK));
        assertThat(s.firstSeen()).isEqualTo(NOW.minusSeconds(900));
        assertThat(s.lastSeen()).isEqualTo(NOW.minusSeconds(60));
        assertThat(s.message()).isEqualTo("<img src=x onerror=\"window.__xss=1\"> for cart 98");
        assertThat(s.frame()).isEqualTo("checkout (https://shop.example/app.js:11:7)");
        assertThat(view.samples("blog")).isEmpty();

        clock.now = NOW.plus(Duration.ofHours(6)).minusSeconds(30);
        view.prune();
        assertThat(view.size()).isZero();
    }

    @Test
    void evictsTheFingerprintLastSeenLongestAgoAndCutsLongMessages() {
        ErrorView view = new ErrorView(Duration.ofHours(6), 2, clock);
        view.add(error("shop", "A", "first", null, 30));
        view.add(error("shop", "B", "second", null, 20));
        view.add(error("shop", "C", "x".repeat(ErrorView.MAX_MESSAGE + 10), null, 10));

        assertThat(view.samples(null)).extracting(ErrorView.Sample::type).containsExactly("C", "B");
        assertThat(view.evicted()).isEqualTo(1);
        assertThat(view.samples(null).get(0).message()).hasSize(ErrorView.MAX_MESSAGE + 1).endsWith("…");
        assertThat(ErrorView.cut("ab\uD83D\uDE00cd", 3)).isEqualTo("ab…");
    }

    @Test
    void marksNewFromTheRollupsNamesOrAnIncompleteRollupsWindowAndRegressedFromItsAlert() {
        ErrorView view = new ErrorView(Duration.ofHours(6), 100, clock);
        Instant window = NOW.minusSeconds(600);
        String first = fingerprintOf(view, "A", 590);
        String second = fingerprintOf(view, "B", 580);
        String old = fingerprintOf(view, "C", 3000);
        String late = fingerprintOf(view, "D", 570);

        // A complete rollup names every new fingerprint of its window.
        assertThat(view.add(rollup("shop", window, first + " (3), " + second + " (1)", "2", null))).isTrue();
        ErrorView.Marks marks = view.marks("shop");
        assertThat(marks.status("shop", first, NOW.minusSeconds(590))).isEqualTo(ErrorView.Status.NEW);
        assertThat(marks.status("shop", second, NOW.minusSeconds(580))).isEqualTo(ErrorView.Status.NEW);
        assertThat(marks.status("shop", old, NOW.minusSeconds(3000))).isNull();
        assertThat(marks.status("shop", late, NOW.minusSeconds(570))).as("complete rollup, not named").isNull();
        assertThat(marks.status("blog", first, NOW.minusSeconds(590))).isNull();

        // An update of the same window that names only its top offenders: a first occurrence inside it is new.
        assertThat(view.add(rollup("shop", window, first + " (3)", "3+", "1"))).isTrue();
        marks = view.marks(null);
        assertThat(marks.status("shop", late, NOW.minusSeconds(570))).isEqualTo(ErrorView.Status.NEW);
        assertThat(marks.status("shop", old, NOW.minusSeconds(3000))).as("first seen before the window").isNull();

        // Regressed wins over new; an unrelated alert says nothing about errors.
        assertThat(view.add(regression("shop", first, NOW.minusSeconds(30)))).isTrue();
        assertThat(view.add(regression("shop", first, NOW.minusSeconds(40)))).as("older than what is known").isFalse();
        assertThat(view.marks("shop").status("shop", first, NOW.minusSeconds(590))).isEqualTo(ErrorView.Status.REGRESSED);
        assertThat(view.add(ViewsTest.alert("fp", AlertStatus.FIRING, "shop", NOW))).isFalse();

        clock.now = NOW.plus(Duration.ofHours(6));
        assertThat(view.marks("shop").status("shop", first, NOW.minusSeconds(590))).isNull();
    }

    @Test
    void keepsTheLatestRunAndTheLatestFailurePerCheck() {
        SyntheticView view = new SyntheticView(Duration.ofHours(6), 2, clock);
        assertThat(view.add(synthetic("shop", "checkout", false, "<b>timeout</b> after 5 s", 300))).isTrue();
        assertThat(view.add(synthetic("shop", "checkout", true, null, 60))).isTrue();
        assertThat(view.add(synthetic("shop", "checkout", false, "older failure", 600))).isFalse();
        assertThat(view.add(synthetic("shop", "login", true, null, 30))).isTrue();

        List<SyntheticView.Check> checks = view.query("shop", null);
        assertThat(checks).extracting(SyntheticView.Check::check).containsExactly("checkout", "login");
        SyntheticView.Check checkout = checks.get(0);
        assertThat(checkout.lastRun().success()).isTrue();
        assertThat(checkout.lastRun().at()).isEqualTo(NOW.minusSeconds(60));
        assertThat(checkout.lastFailure().error()).isEqualTo("<b>timeout</b> after 5 s");
        assertThat(checks.get(1).lastFailure()).isNull();

        assertThat(view.add(synthetic("shop", "search", true, null, 10))).isTrue();
        assertThat(view.query(null, null)).extracting(SyntheticView.Check::check).containsExactly("login", "search");
        assertThat(view.evicted()).isEqualTo(1);
        assertThat(view.add(error("shop", "TypeError", "no check", null, 1))).isFalse();
    }

    @Test
    void securityFiltersByAttackClassAndListsEventNames() {
        SecurityView view = new SecurityView(Duration.ofHours(6), 100, clock);
        view.add(Finding.of(finding("XSS Attempt", "xss", "10.0.0.1")));
        view.add(Finding.of(finding("SQL Injection Attempt", "sqli", "10.0.0.2")));
        view.add(Finding.of(finding("SQL Injection Attempt", "sqli", "10.0.0.2")));

        assertThat(view.query(null, null, "xss", null)).extracting(Finding::ip).containsExactly("10.0.0.1");
        assertThat(view.topIps(null, null, "xss", 10)).extracting(SecurityView.IpCount::ip).containsExactly("10.0.0.1");
        assertThat(view.events()).containsExactly("SQL Injection Attempt", "XSS Attempt");
    }

    private static String fingerprintOf(ErrorView view, String type, int secondsAgo) {
        view.add(error("shop", type, "boom", null, secondsAgo));
        return ErrorFingerprint.of(type, "boom", null);
    }

    static AlertEvent rollup(String app, Instant window, String top, String distinct, String others) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", distinct + " fingerprints appeared for the first time");
        annotations.put("count", "4");
        annotations.put("distinct_fingerprints", distinct);
        if (others != null) {
            annotations.put("others", others);
        }
        annotations.put("top_offenders", top);
        annotations.put("window_start", window.toString());
        annotations.put("window_end", window.plusSeconds(60).toString());
        return new AlertEvent(1, "rollup-" + app, AlertStatus.FIRING, "new_error_fingerprint", "errors", "count",
                Map.of("alertname", "new_error_fingerprint", "app", app, "severity", "low"), 4, 0, "gt", "low",
                List.of(), annotations, window, null, window.plusSeconds(10));
    }

    static AlertEvent regression(String app, String fingerprint, Instant at) {
        return new AlertEvent(1, "reg-" + fingerprint, AlertStatus.FIRING, "error_regression", "errors", "count",
                Map.of("alertname", "error_regression", "app", app, "fingerprint", fingerprint, "type", "A",
                        "category", "validation", "severity", "medium"), 12, 10, "gt", "medium", List.of(),
                Map.of("summary", "boom"), at, null, at);
    }

    static Envelope error(String app, String type, String message, String stack, int secondsAgo) {
        return envelope(app, new ErrorEvent(message, type, stack, null, null, "error", "https://shop.example/cart", null),
                secondsAgo);
    }

    private static Envelope synthetic(String app, String check, boolean success, String error, int secondsAgo) {
        return envelope(app, new SyntheticEvent(check, success, error, 120.0, null, success ? 0 : 1), secondsAgo);
    }

    private static Envelope finding(String event, String attackClass, String ip) {
        return envelope("shop", new SecurityEvent(event, JsonNodeFactory.instance.objectNode()
                .put("source", "stream-processor").put("class", attackClass).put("ip", ip).put("input", "x"),
                NOW.toEpochMilli(), "high"), 5);
    }

    private static Envelope envelope(String app, TelemetryEvent event, int secondsAgo) {
        Instant at = NOW.minusSeconds(secondsAgo);
        return new Envelope(1, "e-" + System.nanoTime(), null, app, at, at, "192.0.2.1", "ua", event);
    }
}
