package dev.telemetry.processor.slo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.SyntheticEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.processor.slo.spec.Sli;
import dev.telemetry.processor.slo.spec.SliType;
import dev.telemetry.processor.slo.spec.Slo;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

/** Which SLOs a raw event counts towards, and how, for each SLI type of the example. */
class SloObservationsTest {

    private static final Instant T = Instant.parse("2026-01-01T10:00:00Z");

    private final SloObservations observations = new SloObservations(List.of(
            slo("checkout-availability", "demo-app", new Sli(SliType.AVAILABILITY, "/api/checkout", null, null, null, null, null, null)),
            slo("all-availability", null, new Sli(SliType.AVAILABILITY, null, null, null, null, null, null, null)),
            slo("checkout-latency", null, new Sli(SliType.LATENCY, "/api/checkout", Duration.ofSeconds(1), null, null, null, null, null)),
            slo("home-lcp", null, new Sli(SliType.VITAL, null, null, "LCP", "/", null, null, null)),
            slo("sign-in-journey", null, new Sli(SliType.SYNTHETIC, null, null, null, null, "sign-in", null, null)),
            slo("payments", null, new Sli(SliType.RATIO, null, null, null, null, null, "payments_ok", "payments_total"))));

    private static Slo slo(String name, String app, Sli sli) {
        return new Slo(name, app, new BigDecimal("99"), null, sli, null, null);
    }

    @Test
    void shouldCountRequestsByStatusAndDurationWhenEndpointAndAppMatch() {
        assertThat(counts("demo-app", new RequestEvent("ip", "POST", "/api/checkout", 503, 1000, null, null, null, null)))
                .containsExactly(KeyValue.pair("checkout-availability|demo-app", new SloCount(0, 1)),
                        KeyValue.pair("all-availability|demo-app", new SloCount(0, 1)),
                        KeyValue.pair("checkout-latency|demo-app", new SloCount(1, 1)));
        assertThat(counts("other-app", new RequestEvent("ip", "POST", "/api/checkout", 499, 1001, null, null, null, null)))
                .containsExactly(KeyValue.pair("all-availability|other-app", new SloCount(1, 1)),
                        KeyValue.pair("checkout-latency|other-app", new SloCount(0, 1)));
        assertThat(counts("demo-app", new RequestEvent("ip", "GET", "/api/cart", 200, 5000, null, null, null, null)))
                .containsExactly(KeyValue.pair("all-availability|demo-app", new SloCount(1, 1)));
    }

    @Test
    void shouldRateVitalsByTheClientsRatingElseGooglesThresholdsWhenNameAndPageMatch() {
        assertThat(counts("shop", vital("LCP", 3000, "good", "/", null))).containsExactly(
                KeyValue.pair("home-lcp|shop", new SloCount(1, 1)));
        assertThat(counts("shop", vital("LCP", 2600, null, null, "https://shop.example/?utm=x"))).containsExactly(
                KeyValue.pair("home-lcp|shop", new SloCount(0, 1)));
        assertThat(counts("shop", vital("LCP", 2500, null, "/", null))).containsExactly(
                KeyValue.pair("home-lcp|shop", new SloCount(1, 1)));
        assertThat(counts("shop", vital("LCP", 100, "good", "/checkout", null))).isEmpty();
        assertThat(counts("shop", vital("INP", 100, "good", "/", null))).isEmpty();
    }

    @Test
    void shouldCountSyntheticResultsAndSumRatioMetricsWhenNamesMatch() {
        assertThat(counts("shop", new SyntheticEvent("sign-in", false, "timeout", 100.0, null)))
                .containsExactly(KeyValue.pair("sign-in-journey|shop", new SloCount(0, 1)));
        assertThat(counts("shop", new SyntheticEvent("search", false, "timeout", 100.0, null))).isEmpty();
        assertThat(counts("shop", new MetricEvent("payments_ok", 41.5, null, Map.of("region", "eu"))))
                .containsExactly(KeyValue.pair("payments|shop", new SloCount(41.5, 0)));
        assertThat(counts("shop", new MetricEvent("payments_total", 42, null, Map.of())))
                .containsExactly(KeyValue.pair("payments|shop", new SloCount(0, 42)));
        assertThat(counts("shop", new MetricEvent("payments_total", -1, null, Map.of()))).isEmpty();
    }

    private List<KeyValue<String, SloCount>> counts(String app, TelemetryEvent event) {
        return observations.of(new Envelope(Envelope.SCHEMA_VERSION, "id", null, app, T, T, "ip", "agent", event));
    }

    private static VitalEvent vital(String name, double value, String rating, String page, String url) {
        return new VitalEvent(name, value, "v1", "navigate", rating, null, page, url, null);
    }
}
