package dev.telemetry.console.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.console.overview.AcceptedEvents;
import dev.telemetry.console.overview.ProcessorLag;
import dev.telemetry.console.overview.ServiceHealth;
import dev.telemetry.console.view.AlertView;
import dev.telemetry.console.view.DeliveryView;
import dev.telemetry.console.view.RateLimitView;
import dev.telemetry.console.view.SecurityView;
import dev.telemetry.console.view.SeriesData;
import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.vitals.VitalBudgets;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The overview, web vitals and metrics API over views filled by hand (no HTTP, no Kafka). */
class OverviewViewsApiTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:30Z");
    private static final Instant W1 = Instant.parse("2026-11-27T11:58:00Z");
    private static final Instant W2 = Instant.parse("2026-11-27T11:59:00Z");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SeriesView series = new SeriesView(Duration.ofHours(6), 100, 360, clock);
    private final AlertView alerts = new AlertView(Duration.ofHours(6), 100, clock);

    private static Summary vital(String app, String vital, String page, Instant start, double p75, long good, long ni, long poor) {
        Map<String, String> labels = page == null ? Map.of() : Map.of("page", page);
        String key = page == null ? vital : vital + "{page=" + page + "}";
        return new Summary(1, app, vital, key, labels, start, start.plusSeconds(60), good + ni + poor, p75 * 3, p75 / 2, p75 * 2,
                p75, p75 * 0.9, p75, p75 * 1.1, p75 * 1.2, p75 * 1.3, new Summary.Ratings(good, ni, poor));
    }

    private static Summary response(String app, String endpoint, String method, Instant start, long count) {
        Map<String, String> labels = Map.of("endpoint", endpoint, "method", method);
        return new Summary(1, app, "response_time", "response_time{endpoint=" + endpoint + ",method=" + method + "}", labels,
                start, start.plusSeconds(60), count, count * 100.0, 10, 400, 100, 90.0, 120.0, 200.0, 300.0, 390.0, null);
    }

    private static Map<String, List<String>> q(String... kv) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.computeIfAbsent(kv[i], k -> new java.util.ArrayList<>()).add(kv[i + 1]);
        }
        return out;
    }

    @Test
    void shouldChartEachVitalsP75PerPageWithItsBudgetAndTheRatingsSplit() {
        series.add(vital("shop", "LCP", "/", W1, 2000, 8, 2, 0));
        series.add(vital("shop", "LCP", "/", W2, 3000, 3, 5, 2));
        series.add(vital("shop", "LCP", "/checkout", W2, 1000, 4, 0, 0));
        series.add(vital("blog", "LCP", "/post", W2, 1000, 1, 0, 0));
        series.add(vital("shop", "CLS", "/", W2, 0.05, 1, 0, 0));
        series.add(vital("shop", "TTI", "/", W2, 4000, 0, 0, 0));
        VitalsApi api = new VitalsApi(series);

        Map<String, Object> body = api.vitals(q("app", "shop"));
        assertThat(body.get("apps")).isEqualTo(List.of("blog", "shop"));
        assertThat(body.get("pages")).isEqualTo(List.of("/", "/checkout"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> vitals = (List<Map<String, Object>>) body.get("vitals");
        assertThat(vitals).extracting(v -> v.get("vital")).containsExactly("LCP", "INP", "CLS", "FCP", "TTFB", "TTI");
        Map<String, Object> lcp = vitals.get(0);
        assertThat(lcp.get("budget")).isEqualTo(2500.0);
        assertThat(lcp.get("unit")).isEqualTo("ms");
        assertThat((List<?>) lcp.get("series")).hasSize(2);
        assertThat(lcp.get("latest")).isEqualTo(Map.of("good", 7L, "needsImprovement", 5L, "poor", 2L, "windowStart", W2));
        assertThat(lcp.get("range")).isEqualTo(Map.of("good", 15L, "needsImprovement", 7L, "poor", 2L));
        assertThat(vitals.get(2).get("unit")).isEqualTo("");

        Map<String, Object> one = api.vitals(q("app", "shop", "page", "/checkout", "vital", "LCP"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> only = (List<Map<String, Object>>) one.get("vitals");
        assertThat(only).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> line = ((List<Map<String, Object>>) only.get(0).get("series")).get(0);
        assertThat(line.get("page")).isEqualTo("/checkout");
        assertThat((List<?>) line.get("windows")).hasSize(1);

        assertThatThrownBy(() -> api.vitals(q("vital", "XYZ"))).isInstanceOf(BadParameter.class)
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("vital");
        assertThatThrownBy(() -> api.vitals(q("colour", "red"))).isInstanceOf(BadParameter.class)
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("colour");
    }

    @Test
    void shouldRateEachPagesLatestWindowAgainstTheBudgets() {
        series.add(vital("shop", "LCP", "/", W1, 2000, 1, 0, 0));
        series.add(vital("shop", "LCP", "/", W2, 3000, 1, 0, 0));
        series.add(vital("shop", "TTFB", "/", W2, 800, 1, 0, 0));
        series.add(vital("shop", "INP", "/checkout", W2, 150, 1, 0, 0));
        series.add(vital("shop", "CLS", null, W2, 0.3, 0, 0, 1));

        List<VitalBudgets.PageStatus> pages = VitalBudgets.pages(series, null);

        assertThat(pages).extracting(VitalBudgets.PageStatus::page).containsExactly("(no page)", "/", "/checkout");
        VitalBudgets.PageStatus home = pages.get(1);
        assertThat(home.over()).isEqualTo(1);
        assertThat(home.vitals()).extracting(VitalBudgets.VitalStatus::vital).containsExactly("LCP", "TTFB");
        assertThat(home.vitals()).extracting(VitalBudgets.VitalStatus::status).containsExactly("over", "ok");
        assertThat(home.vitals().get(0).windowStart()).as("the latest window").isEqualTo(W2);
        assertThat(pages.get(2).over()).isZero();
        assertThat(VitalBudgets.status("CLS", 0.1)).as("at the budget is within it").isEqualTo("ok");
        assertThat(VitalBudgets.status("FID", null)).isEqualTo("unknown");
        assertThat(VitalBudgets.BUDGETS).containsEntry("FCP", 1500.0).containsEntry("LCP", 2500.0).containsEntry("FID", 100.0)
                .containsEntry("CLS", 0.1).containsEntry("TTI", 3800.0).containsEntry("INP", 200.0).containsEntry("TTFB", 800.0);
    }

    @Test
    void shouldListTheMetricsCatalogueAndFilterSeriesByLabels() throws Exception {
        series.add(response("shop", "/api/checkout", "POST", W1, 4));
        series.add(response("shop", "/api/checkout", "POST", W2, 5));
        series.add(response("shop", "/api/cart", "POST", W2, 6));
        series.add(response("blog", "/api/posts", "GET", W2, 7));
        series.add(vital("shop", "LCP", "/", W2, 2000, 1, 0, 0));
        MetricsApi metrics = new MetricsApi(series);

        Map<String, Object> all = metrics.catalogue(Map.of());
        assertThat(all.get("apps")).isEqualTo(List.of("blog", "shop"));
        assertThat(all.get("count")).isEqualTo(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> rt = ((List<Map<String, Object>>) all.get("metrics")).get(1);
        assertThat(rt.get("metric")).isEqualTo("response_time");
        assertThat(rt.get("apps")).isEqualTo(List.of("blog", "shop"));
        assertThat(rt.get("series")).isEqualTo(3);
        assertThat(rt.get("windows")).isEqualTo(4L);
        assertThat(rt.get("latestEnd")).isEqualTo(W2.plusSeconds(60));
        assertThat(rt.get("labels")).isEqualTo(new TreeMap<>(Map.of("endpoint", List.of("/api/cart", "/api/checkout", "/api/posts"),
                "method", List.of("GET", "POST"))));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> shopOnly = (List<Map<String, Object>>) metrics.catalogue(q("app", "blog")).get("metrics");
        assertThat(shopOnly).hasSize(1);
        assertThat(shopOnly.get(0).get("labels")).isEqualTo(Map.of("endpoint", List.of("/api/posts"), "method", List.of("GET")));

        ConsoleApi api = new ConsoleApi(series, alerts, new DeliveryView(Duration.ofHours(1), 10, clock),
                new SecurityView(Duration.ofHours(1), 10, clock), new RateLimitView(Duration.ofHours(1), 10, clock));
        // The series are written when the body is serialized (SeriesView.Selection): read them as a client would.
        com.fasterxml.jackson.databind.JsonNode checkout = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                dev.telemetry.events.codec.JsonCodec.standard().write(api.series(q("metric", "response_time",
                        "label.endpoint", "/api/checkout", "label.method", "POST")))).get("series");
        assertThat(checkout).hasSize(1);
        assertThat(checkout.get(0).get("windows")).hasSize(2);
        assertThat(((SeriesView.Selection) api.series(q("metric", "response_time", "label.method", "POST")).get("series")).count())
                .isEqualTo(2);
        assertThat(((SeriesView.Selection) api.series(q("metric", "response_time", "label.region", "eu")).get("series")).count())
                .isZero();
        assertThatThrownBy(() -> api.series(q("metric", "response_time", "label.", "x")))
                .isInstanceOf(BadParameter.class).extracting(e -> ((BadParameter) e).parameter()).isEqualTo("label.");
        assertThatThrownBy(() -> api.series(q("metric", "response_time", "label.endpoint", "")))
                .isInstanceOf(BadParameter.class).extracting(e -> ((BadParameter) e).parameter()).isEqualTo("label.endpoint");
        assertThatThrownBy(() -> api.series(q("metric", "response_time", "labels", "x")))
                .isInstanceOf(BadParameter.class).hasMessageContaining("label.<key>");
        assertThatThrownBy(() -> metrics.catalogue(q("metric", "x"))).isInstanceOf(BadParameter.class);
    }

    @Test
    void shouldAssembleTheOverviewFromTheSamplesAlertsAndBudgets() {
        series.add(vital("shop", "LCP", "/", W2, 3000, 1, 0, 0));
        series.add(vital("shop", "LCP", "/ok", W2, 1000, 1, 0, 0));
        alerts.add(new AlertEvent(1, "fp-1", AlertStatus.FIRING, "checkout_slow", "response_time", "p95",
                Map.of("alertname", "checkout_slow", "app", "shop"), 2400, 1000, "gt", "high", List.of(),
                Map.of("summary", "Checkout is slow"), W1, null, W2));
        alerts.add(new AlertEvent(1, "fp-2", AlertStatus.PENDING, "errors_high", "error_rate", "mean",
                Map.of("alertname", "errors_high", "app", "shop"), 0.07, 0.05, "gt", "high", List.of(), Map.of(), W1, null, W2));
        AcceptedEvents accepted = new AcceptedEvents(Duration.ofMinutes(1), 3);
        accepted.start(NOW.minusSeconds(20), Map.of("vitals", 10L), new TreeMap<>());
        accepted.sample(NOW, Map.of("vitals", 15L));
        ServiceHealth gateway = new ServiceHealth("gateway", "http://gw/api/health", "healthy", 200, 3.5, NOW, Map.of("kafka", true),
                "1", null, null);
        ProcessorLag lag = new ProcessorLag("telemetry-processor", NOW, 42, 3, List.of(), null);
        OverviewApi api = new OverviewApi(() -> List.of(gateway), () -> lag, () -> null, accepted,
                Map.of("vitals", "telemetry.vitals"), alerts, series, clock);

        Map<String, Object> body = api.overview(Map.of());

        assertThat(body.get("services")).isEqualTo(List.of(gateway));
        assertThat(body.get("lag")).isEqualTo(lag);
        @SuppressWarnings("unchecked")
        Map<String, Object> acceptedBody = (Map<String, Object>) body.get("accepted");
        assertThat(acceptedBody.get("bucketSeconds")).isEqualTo(60L);
        assertThat(acceptedBody.get("types")).isEqualTo(List.of("vitals"));
        @SuppressWarnings("unchecked")
        List<AcceptedEvents.Bucket> buckets = (List<AcceptedEvents.Bucket>) acceptedBody.get("buckets");
        assertThat(buckets).extracting(AcceptedEvents.Bucket::total).containsExactly(0L, 0L, 5L);
        @SuppressWarnings("unchecked")
        Map<String, Object> alertsBody = (Map<String, Object>) body.get("alerts");
        assertThat(alertsBody.get("firing")).isEqualTo(1);
        assertThat(alertsBody.get("pending")).isEqualTo(1);
        assertThat((List<?>) alertsBody.get("firingAlerts")).extracting(a -> ((AlertEvent) a).fingerprint()).containsExactly("fp-1");
        @SuppressWarnings("unchecked")
        Map<String, Object> budgets = (Map<String, Object>) body.get("budgets");
        assertThat(budgets.get("pages")).isEqualTo(2);
        assertThat(budgets.get("over")).isEqualTo(1L);
        assertThatThrownBy(() -> api.overview(q("app", "shop"))).isInstanceOf(BadParameter.class);
    }

    @Test
    void shouldCutTheAlertsAtTheLimitAndCountEveryMatchPerStatus() {
        for (int i = 0; i < 5; i++) {
            alerts.add(new AlertEvent(1, "fp-f" + i, AlertStatus.FIRING, "checkout_slow", "response_time", "p95",
                    Map.of("alertname", "checkout_slow", "app", "shop", "n", "f" + i), 2400, 1000, "gt", "high", List.of(),
                    Map.of(), W1, null, W1.plusSeconds(i)));
        }
        alerts.add(new AlertEvent(1, "fp-p", AlertStatus.PENDING, "errors_high", "error_rate", "mean",
                Map.of("alertname", "errors_high", "app", "shop"), 0.07, 0.05, "gt", "high", List.of(), Map.of(), W1, null, W2));
        ConsoleApi api = new ConsoleApi(series, alerts, new DeliveryView(Duration.ofHours(1), 10, clock),
                new SecurityView(Duration.ofHours(1), 10, clock), new RateLimitView(Duration.ofHours(1), 10, clock));

        Map<String, Object> body = api.alerts(q("limit", "2"));

        assertThat(body.get("count")).isEqualTo(6);
        assertThat(body.get("counts")).isEqualTo(Map.of("pending", 1, "firing", 5, "resolved", 0));
        assertThat(body.get("truncated")).isEqualTo(true);
        assertThat((List<?>) body.get("alerts")).extracting(a -> ((AlertEvent) a).fingerprint()).containsExactly("fp-f4", "fp-f3");
        assertThat(api.alerts(q()).get("truncated")).isEqualTo(false);
        assertThat((List<?>) api.alerts(q()).get("alerts")).hasSize(6);
        for (String bad : List.of("0", "10001", "ten", "2.5")) {
            assertThatThrownBy(() -> api.alerts(q("limit", bad))).isInstanceOf(BadParameter.class)
                    .hasMessageContaining("from 1 to 10000");
        }
    }

    @Test
    void shouldChartOnlyTheBusiestPagesAndSplitTheRatingsOverEveryPage() {
        for (int i = 0; i < 15; i++) {
            series.add(vital("shop", "LCP", "/p" + i, W2, 2000, i + 1, 0, 0));
        }
        VitalsApi api = new VitalsApi(series);

        @SuppressWarnings("unchecked")
        Map<String, Object> lcp = ((List<Map<String, Object>>) api.vitals(q("vital", "LCP", "top", "3")).get("vitals")).get(0);

        assertThat(((List<?>) lcp.get("series")).stream().map(l -> (Object) ((Map<?, ?>) l).get("page")).toList()).containsExactly("/p14", "/p13", "/p12");
        assertThat(lcp.get("seriesTotal")).isEqualTo(15);
        assertThat(((Map<?, ?>) lcp.get("range")).get("good")).isEqualTo(120L);
        @SuppressWarnings("unchecked")
        Map<String, Object> defaults = ((List<Map<String, Object>>) api.vitals(q("vital", "LCP")).get("vitals")).get(0);
        assertThat((List<?>) defaults.get("series")).hasSize(VitalsApi.DEFAULT_TOP);
        assertThatThrownBy(() -> api.vitals(q("top", "0"))).isInstanceOf(BadParameter.class);
        assertThatThrownBy(() -> api.vitals(q("top", "101"))).isInstanceOf(BadParameter.class);
    }
}
