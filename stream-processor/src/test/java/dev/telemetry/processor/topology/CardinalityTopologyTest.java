package dev.telemetry.processor.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.processor.stage.CardinalityCaps;
import dev.telemetry.processor.stage.Detection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-app cardinality caps on the production topology: series beyond them feed one overflow series per app,
 * are counted, and raise one {@code cardinality_limit} alert per app and window.
 */
class CardinalityTopologyTest extends HarnessTestSupport {

    private static final String APP = TopologyHarness.APP;

    @Test
    void shouldKeepAtMostCapPlusOverflowSeriesWhenOneWindowHas100000DistinctNames() {
        for (int i = 0; i < 100_000; i++) {
            harness.metric(APP, "latency-" + i, Map.of(), i % 100, at(Duration.ofMillis(i / 2)));
        }
        harness.metric("other", "checkout_ms", Map.of(), 120, at(Duration.ofSeconds(51)));

        harness.wallClockTo(at(Duration.ofSeconds(75)));

        List<Summary> shop = harness.summaries.readValuesToList().stream().filter(s -> s.app().equals(APP)).toList();
        List<Summary> overflow = shop.stream().filter(s -> s.metric().equals("overflow")).toList();
        assertThat(shop).hasSize(2_000 + 1);
        assertThat(overflow).singleElement().satisfies(s -> {
            assertThat(s.series()).isEqualTo("overflow{reason=max_metrics_per_app}");
            assertThat(s.labels()).isEqualTo(Map.of("reason", "max_metrics_per_app"));
            assertThat(s.count()).isEqualTo(98_000);
        });
        assertThat(shop.stream().filter(s -> s.metric().startsWith("latency-")).mapToLong(Summary::count).sum())
                .as("every event is in exactly one summary").isEqualTo(2_000);
        assertThat(harness.counters.overflow).isEqualTo(Map.of(APP + "/max_metrics_per_app", 98_000));
        List<AlertEvent> alerts = harness.alerts.readValuesToList();
        assertThat(alerts).singleElement().satisfies(alert -> {
            assertThat(alert.rule()).isEqualTo("cardinality_limit");
            assertThat(alert.labels()).containsEntry("app", APP).containsEntry("severity", "medium");
            assertThat(alert.annotations()).containsEntry("reason", "max_metrics_per_app");
        });
    }

    @Test
    void shouldLeaveOtherAppsAloneWhenOneAppOverflows() {
        useCaps(new CardinalityCaps(3, 100, 100));
        for (int i = 0; i < 10; i++) {
            harness.metric(APP, "m" + i, Map.of(), 1, at(i));
        }
        harness.metric("other", "a", Map.of(), 1, at(11));
        harness.metric("other", "b", Map.of(), 1, at(12));

        harness.wallClockTo(at(75));

        assertThat(harness.exactSummariesByKey()).containsOnlyKeys("shop|m0", "shop|m1", "shop|m2",
                "shop|overflow{reason=max_metrics_per_app}", "other|a", "other|b");
    }

    @Test
    void shouldOverflowBySeriesCountWhenNamesAreFewButLabelSetsMany() {
        useCaps(new CardinalityCaps(100, 5, 100));
        for (int i = 0; i < 4; i++) {
            for (String user : List.of("a", "b", "c")) {
                harness.metric(APP, "req" + i, Map.of("user", user), 1, at(i));
            }
        }

        harness.wallClockTo(at(75));

        Map<String, Summary> byKey = harness.exactSummariesByKey();
        assertThat(byKey).hasSize(5 + 1);
        assertThat(byKey.get("shop|overflow{reason=max_series_per_app}").count()).isEqualTo(12 - 5);
        assertThat(harness.counters.overflow).isEqualTo(Map.of(APP + "/max_series_per_app", 7));
    }

    @Test
    void shouldAdmitAnEqualShareOnEachTaskWhenInputHasSeveralPartitions() {
        useCaps(new CardinalityCaps(30, 10_000, 1_000));
        harness.tasks(3);
        for (int i = 0; i < 20; i++) {
            harness.metric(APP, "m" + i, Map.of(), 1, at(i));
        }

        harness.wallClockTo(at(75));

        Map<String, Summary> byKey = harness.exactSummariesByKey();
        assertThat(byKey).as("30 names over 3 tasks: this one task admits 10").hasSize(10 + 1);
        assertThat(byKey.get("shop|overflow{reason=max_metrics_per_app}").count()).isEqualTo(10);
    }

    @Test
    void shouldKeepAdmittedSeriesAndAlertOncePerWindowWhenCapIsReachedAgainInNextWindow() {
        useCaps(new CardinalityCaps(2, 100, 100));
        for (String name : List.of("a", "b", "c", "d", "a", "c")) {
            harness.metric(APP, name, Map.of(), 1, at(1));
        }
        for (String name : List.of("d", "c", "a")) {
            harness.metric(APP, name, Map.of(), 1, at(61));
        }

        harness.wallClockTo(at(135));

        List<Summary> summaries = harness.summaries.readValuesToList();
        assertThat(summaries.stream().filter(s -> s.windowStart().equals(at(0))).map(s -> s.series() + "=" + (long) s.count()))
                .containsExactlyInAnyOrder("a=2", "b=1", "overflow{reason=max_metrics_per_app}=3");
        assertThat(summaries.stream().filter(s -> s.windowStart().equals(at(60))).map(s -> s.series() + "=" + (long) s.count()))
                .as("the counts start again in a new window").containsExactlyInAnyOrder("d=1", "c=1",
                        "overflow{reason=max_metrics_per_app}=1");
        List<AlertEvent> alerts = harness.alerts.readValuesToList();
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).fingerprint()).as("one incident per app: the sink groups them")
                .isEqualTo(alerts.get(1).fingerprint());
    }

    private void useCaps(CardinalityCaps caps) {
        harness.close();
        Detection d = Detection.defaults();
        harness = new TopologyHarness(stateDir, List.of(), TopologyHarness.T0, new Detection(d.rateLimitPerMinute(),
                d.slowPageLoadMs(), d.errorRules(), d.regressionWindows(), d.forgetFingerprintsAfter(), caps,
                d.securityChannels()));
    }

    private static Instant at(int seconds) {
        return at(Duration.ofSeconds(seconds));
    }

    private static Instant at(Duration sinceT0) {
        return TopologyHarness.T0.plus(sinceT0);
    }
}
