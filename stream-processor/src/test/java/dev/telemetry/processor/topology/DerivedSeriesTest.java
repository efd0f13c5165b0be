package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.errors.ErrorFingerprint;
import dev.telemetry.processor.stage.CardinalityCaps;
import dev.telemetry.processor.stage.Detection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Series derived from requests, synthetic checks, errors and page loads, and the cardinality cap. */
class DerivedSeriesTest extends HarnessTestSupport {

    @Test
    void shouldDeriveErrorRateAndResponseTimePerEndpointWhenRequestsArrive() {
        harness.request("198.51.100.1", "/api/orders", 200, 100, null, at(1));
        harness.request("198.51.100.2", "/api/orders", 503, 300, null, at(2));
        harness.request("198.51.100.3", "/api/orders", 500, 200, null, at(3));
        harness.request("198.51.100.4", "/api/orders", 404, 400, null, at(4));

        harness.wallClockTo(at(70));

        Map<String, Summary> byKey = summariesByKey();
        Summary errorRate = byKey.get("shop|endpoint_error_rate{endpoint=/api/orders}");
        assertThat(errorRate.count()).isEqualTo(4);
        assertThat(errorRate.mean()).as("2 of 4 requests had status >= 500").isEqualTo(0.5);
        Summary responseTime = byKey.get("shop|response_time{endpoint=/api/orders}");
        assertThat(responseTime.labels()).isEqualTo(Map.of("endpoint", "/api/orders"));
        assertThat(TopologyHarness.exact(responseTime).mean()).isEqualTo(250.0);
        assertThat(responseTime.max()).isEqualTo(400.0);
    }

    @Test
    void shouldDeriveOneErrorRatePerAppWhenRequestsHitSeveralEndpoints() {
        // Keys shop|/api/orders and shop|/api/cart: on a real broker they may sit on different partitions, so
        // only the repartition by app brings them together.
        harness.request("198.51.100.1", "/api/orders", 200, 100, null, at(1));
        harness.request("198.51.100.2", "/api/orders", 503, 100, null, at(2));
        harness.request("198.51.100.3", "/api/orders", 200, 100, null, at(3));
        harness.request("198.51.100.4", "/api/cart", 500, 100, null, at(4));
        harness.request("198.51.100.5", "/api/cart", 200, 100, null, at(5));
        harness.request("198.51.100.6", "/api/cart", 404, 100, null, at(6));
        harness.request("198.51.100.7", "/api/cart", 499, 100, null, at(7));

        harness.wallClockTo(at(70));

        Map<String, Summary> byKey = harness.exactSummariesByKey();
        assertThat(byKey.get("shop|error_rate")).as("2 of 7 requests of the app had status >= 500")
                .isEqualTo(new Summary(1, APP, "error_rate", "error_rate", Map.of(), at(0), at(60), 7, 2.0, 0.0, 1.0,
                        2.0 / 7));
        assertThat(byKey.get("shop|endpoint_error_rate{endpoint=/api/orders}")).isEqualTo(new Summary(1, APP,
                "endpoint_error_rate", "endpoint_error_rate{endpoint=/api/orders}", Map.of("endpoint", "/api/orders"),
                at(0), at(60), 3, 1.0, 0.0, 1.0, 1.0 / 3));
        assertThat(byKey.get("shop|endpoint_error_rate{endpoint=/api/cart}")).isEqualTo(new Summary(1, APP,
                "endpoint_error_rate", "endpoint_error_rate{endpoint=/api/cart}", Map.of("endpoint", "/api/cart"),
                at(0), at(60), 4, 1.0, 0.0, 1.0, 0.25));
        assertThat(byKey.keySet().stream().filter(k -> k.startsWith("shop|error_rate"))).as("one per app and window")
                .containsExactly("shop|error_rate");
    }

    @Test
    void shouldKeepErrorRatesApartWhenTwoAppsSendRequests() {
        harness.request("shop", "198.51.100.1", "/api/orders", 500, 100, null, at(1));
        harness.request("shop", "198.51.100.1", "/api/cart", 200, 100, null, at(2));
        harness.request("blog", "198.51.100.2", "/api/orders", 200, 100, null, at(3));
        harness.request("blog", "198.51.100.2", "/api/posts", 200, 100, null, at(4));
        harness.request("blog", "198.51.100.2", "/api/posts", 502, 100, null, at(5));
        harness.request("blog", "198.51.100.2", "/api/posts", 200, 100, null, at(6));

        harness.wallClockTo(at(70));

        Map<String, Summary> byKey = harness.exactSummariesByKey();
        assertThat(byKey.get("shop|error_rate")).isEqualTo(new Summary(1, "shop", "error_rate", "error_rate", Map.of(),
                at(0), at(60), 2, 1.0, 0.0, 1.0, 0.5));
        assertThat(byKey.get("blog|error_rate")).isEqualTo(new Summary(1, "blog", "error_rate", "error_rate", Map.of(),
                at(0), at(60), 4, 1.0, 0.0, 1.0, 0.25));
    }

    @Test
    void shouldCloseAppErrorRateWindowByReadProgressNotByStreamTimeWhenLaterRequestsArrive() {
        // The repartition topic merges requests from every task, each as far along as it happens to be: a later
        // request from one says nothing about another's backlog, so stream time must not close these windows.
        harness.request("198.51.100.1", "/api/orders", 500, 100, null, at(10));
        harness.request("198.51.100.1", "/api/cart", 200, 100, null, at(65));
        harness.inputReadUpTo(at(70));
        harness.request("198.51.100.1", "/api/cart", 200, 100, null, at(130));
        assertThat(harness.exactSummaries().stream().filter(s -> s.metric().equals("error_rate")))
                .as("stream time alone closes no app error_rate window").isEmpty();

        // When: the input is read up to end + grace of the first window
        harness.wallClockTo(at(71));

        // Then: that window closes, and the repartitioned records kept their event times (65 s is in the next one)
        List<Summary> appErrorRates = harness.exactSummaries().stream().filter(s -> s.metric().equals("error_rate"))
                .toList();
        assertThat(appErrorRates).containsExactly(new Summary(1, APP, "error_rate", "error_rate", Map.of(), at(0),
                at(60), 1, 1.0, 1.0, 1.0, 1.0));
    }

    @Test
    void shouldDeriveAvailabilityPerCheckWhenSyntheticResultsArrive() {
        harness.synthetic("login", true, 800.0, at(1));
        harness.synthetic("login", false, null, at(2));
        harness.synthetic("login", true, 1200.0, at(3));
        harness.synthetic("login", true, 1000.0, at(4));

        harness.wallClockTo(at(70));

        Map<String, Summary> byKey = summariesByKey();
        assertThat(byKey.get("shop|synthetic_availability{check=login}").mean()).isEqualTo(0.75);
        assertThat(byKey.get("shop|synthetic_availability{check=login}").min()).isEqualTo(0.0);
        assertThat(byKey.get("shop|synthetic_duration{check=login}").count()).isEqualTo(3);
    }

    @Test
    void shouldCountErrorsPerFingerprintWhenMessagesDifferOnlyInIds() {
        String stack = "TypeError: x\n    at renderCart (https://shop.example/app.js:10:5)";
        harness.error("TypeError", "Cannot read properties of undefined (reading 'id') for order 1234", stack, at(1));
        harness.error("TypeError", "Cannot read properties of undefined (reading 'id') for order 98765", stack, at(2));
        harness.error("TypeError", "Login failed for user 42", null, at(3));

        harness.wallClockTo(at(70));

        String fingerprint = ErrorFingerprint.of("TypeError", "Cannot read properties of undefined (reading 'id') for order 1",
                stack);
        List<Summary> errors = harness.summaries.readValuesToList().stream().filter(s -> s.metric().equals("errors")).toList();
        assertThat(errors).hasSize(2);
        Summary cart = errors.stream().filter(s -> s.labels().get("fingerprint").equals(fingerprint)).findFirst().orElseThrow();
        assertThat(cart.count()).isEqualTo(2);
        assertThat(cart.labels()).containsEntry("type", "TypeError").containsEntry("category", "validation")
                .containsEntry("severity", "low");
        Summary login = errors.stream().filter(s -> s != cart).findFirst().orElseThrow();
        assertThat(login.labels()).containsEntry("category", "authentication").containsEntry("severity", "high");
    }

    @Test
    void shouldCountServerErrorOnceWhenNetworkErrorArrivesWithItsServerErrorEvent() {
        harness.networkError("POST", "/api/orders", 503, at(1));
        harness.networkError("GET", "/api/cart", 0, at(2));

        harness.wallClockTo(at(70));

        List<Summary> errors = harness.summaries.readValuesToList().stream().filter(s -> s.metric().equals("errors")).toList();
        assertThat(errors).as("one series: the Server Error; a status-0 network error is no server error").hasSize(1);
        assertThat(errors.get(0).count()).as("counted once, not once per record").isEqualTo(1);
        assertThat(errors.get(0).labels()).containsEntry("type", "ServerError");
    }

    @Test
    void shouldCountSlowPageLoadsWhenLoadTakesOverThreeSeconds() {
        harness.vital("page_load", 2500, "/home", null, at(1));
        harness.vital("page_load", 3000, "/home", null, at(2));
        harness.vital("page_load", 3001, "/home", null, at(3));

        harness.wallClockTo(at(70));

        Summary slow = summariesByKey().get("shop|slow_page_load{page=/home}");
        assertThat(slow.count()).isEqualTo(3);
        assertThat(slow.sum()).as("only the load over 3000 ms is slow").isEqualTo(1.0);
    }

    @Test
    void shouldSendNewLabelSetsToOverflowSeriesWhenMetricExceedsCardinalityCap() {
        harness.close();
        Detection defaults = Detection.defaults();
        harness = new TopologyHarness(stateDir, List.of(), TopologyHarness.T0, new Detection(defaults.rateLimitPerMinute(),
                defaults.slowPageLoadMs(), defaults.errorRules(), defaults.regressionWindows(), defaults.forgetFingerprintsAfter(),
                new CardinalityCaps(2_000, 10_000, 2), defaults.securityChannels()));
        harness.metric(APP, "req_ms", Map.of("user", "a"), 1, at(1));
        harness.metric(APP, "req_ms", Map.of("user", "b"), 2, at(2));
        harness.metric(APP, "req_ms", Map.of("user", "c"), 3, at(3));
        harness.metric(APP, "req_ms", Map.of("user", "d"), 4, at(4));
        harness.metric(APP, "req_ms", Map.of("user", "a"), 5, at(5));

        harness.wallClockTo(at(70));

        Map<String, Summary> byKey = summariesByKey();
        assertThat(byKey).containsOnlyKeys("shop|req_ms{user=a}", "shop|req_ms{user=b}", "shop|req_ms{overflow=true}");
        assertThat(byKey.get("shop|req_ms{overflow=true}").sum()).isEqualTo(7.0);
        assertThat(byKey.get("shop|req_ms{user=a}").count()).isEqualTo(2);
        assertThat(harness.counters.overflow).isEqualTo(Map.of("shop/max_series_per_metric", 2));
    }

    private Map<String, Summary> summariesByKey() {
        Map<String, Summary> byKey = new java.util.HashMap<>();
        harness.summaries.readKeyValuesToList().forEach(kv -> byKey.put(kv.key, kv.value));
        return byKey;
    }
}
