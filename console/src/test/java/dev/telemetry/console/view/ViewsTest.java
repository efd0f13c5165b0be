package dev.telemetry.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bounded views: retention, series and window caps, latest alert state per fingerprint. */
class ViewsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = NOW;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final TestClock clock = new TestClock();

    static Summary summary(String app, String metric, String series, Instant start, double p95) {
        return new Summary(1, app, metric, series, Map.of("page", "/"), start, start.plusSeconds(60), 3, 30, 5, 15, 10,
                9.0, 10.0, 11.0, p95, 15.0, null);
    }

    static AlertEvent alert(String fingerprint, AlertStatus status, String app, Instant evaluatedAt) {
        return new AlertEvent(1, fingerprint, status, "checkout_slow", "response_ms", "p95",
                Map.of("alertname", "checkout_slow", "app", app), 4200, 1000, "gt", "critical", List.of(),
                Map.of("summary", "Checkout is slow"), evaluatedAt.minusSeconds(60),
                status == AlertStatus.RESOLVED ? evaluatedAt : null, evaluatedAt);
    }

    @Test
    void shouldKeepWindowsPerSeriesOldestFirstAndFilterByMetricAndApp() {
        SeriesView view = new SeriesView(Duration.ofHours(6), 10, 100, clock);
        Instant t = NOW.minusSeconds(600);
        view.add(summary("shop", "LCP", "LCP{page=/}", t.plusSeconds(60), 2));
        view.add(summary("shop", "LCP", "LCP{page=/}", t, 1));
        view.add(summary("blog", "LCP", "LCP{page=/}", t, 3));
        view.add(summary("shop", "FCP", "FCP{page=/}", t, 4));
        view.add(summary("shop", "LCP", "LCP{page=/}", t, 1.5)); // the same window again replaces it

        List<SeriesData> shop = view.query("LCP", "shop");
        assertThat(shop).hasSize(1);
        assertThat(shop.get(0).windows()).extracting(WindowStats::p95).containsExactly(1.5, 2.0);
        assertThat(shop.get(0).labels()).containsEntry("page", "/");
        assertThat(view.query("LCP", null)).extracting(SeriesData::app).containsExactly("blog", "shop");
        assertThat(view.query("INP", null)).isEmpty();
    }

    @Test
    void shouldDropWindowsOlderThanTheRetentionAndRefuseThemOnArrival() {
        SeriesView view = new SeriesView(Duration.ofHours(1), 10, 100, clock);
        assertThat(view.add(summary("shop", "LCP", "LCP", NOW.minus(Duration.ofHours(2)), 1))).isFalse();
        assertThat(view.add(summary("shop", "LCP", "LCP", NOW.minusSeconds(1800), 1))).isTrue();
        assertThat(view.add(summary("shop", "LCP", "LCP", NOW.minusSeconds(600), 2))).isTrue();

        clock.now = NOW.plusSeconds(45 * 60);
        assertThat(view.query("LCP", null).get(0).windows()).extracting(WindowStats::p95).containsExactly(2.0);
        view.prune();
        assertThat(view.windowCount()).isEqualTo(1);
        clock.now = NOW.plus(Duration.ofHours(2));
        view.prune();
        assertThat(view.seriesCount()).isZero();
    }

    @Test
    void shouldKeepTheNewestWindowsOfASeriesUpToItsCap() {
        SeriesView view = new SeriesView(Duration.ofHours(6), 10, 3, clock);
        for (int i = 10; i >= 1; i--) {
            view.add(summary("shop", "LCP", "LCP", NOW.minusSeconds(60L * i), i));
        }
        assertThat(view.query("LCP", "shop").get(0).windows()).extracting(WindowStats::p95).containsExactly(3.0, 2.0, 1.0);
    }

    @Test
    void shouldEvictTheSeriesWithTheOldestLatestWindowBeyondTheSeriesCap() {
        SeriesView view = new SeriesView(Duration.ofHours(6), 2, 100, clock);
        view.add(summary("shop", "m", "a", NOW.minusSeconds(300), 1));
        view.add(summary("shop", "m", "b", NOW.minusSeconds(200), 1));
        assertThat(view.add(summary("shop", "m", "c", NOW.minusSeconds(100), 1))).isTrue();
        assertThat(view.query("m", null)).extracting(SeriesData::series).containsExactly("b", "c");
        // A newcomer older than everything kept is refused rather than evicting a newer series.
        assertThat(view.add(summary("shop", "m", "d", NOW.minusSeconds(900), 1))).isFalse();
        assertThat(view.seriesCount()).isEqualTo(2);
        assertThat(view.evictedSeries()).isEqualTo(2);
    }

    @Test
    void shouldHoldTheLatestStatePerFingerprintAndFilterByStatusAndApp() {
        AlertView view = new AlertView(Duration.ofHours(6), 100, clock);
        view.add(alert("fp-1", AlertStatus.PENDING, "shop", NOW.minusSeconds(120)));
        view.add(alert("fp-1", AlertStatus.FIRING, "shop", NOW.minusSeconds(60)));
        view.add(alert("fp-1", AlertStatus.PENDING, "shop", NOW.minusSeconds(90))); // stale: ignored
        view.add(alert("fp-2", AlertStatus.RESOLVED, "shop", NOW.minusSeconds(30)));
        view.add(alert("fp-3", AlertStatus.PENDING, "blog", NOW.minusSeconds(10)));

        assertThat(view.query(Set.of(), null)).extracting(AlertEvent::fingerprint).containsExactly("fp-1", "fp-3", "fp-2");
        assertThat(view.query(EnumSet.of(AlertStatus.FIRING), null)).extracting(AlertEvent::fingerprint).containsExactly("fp-1");
        assertThat(view.query(Set.of(), "blog")).extracting(AlertEvent::fingerprint).containsExactly("fp-3");
        assertThat(view.size()).isEqualTo(3);
    }

    @Test
    void shouldForgetResolvedAlertsAfterTheRetentionButKeepFiringOnes() {
        AlertView view = new AlertView(Duration.ofHours(1), 100, clock);
        view.add(alert("fp-old", AlertStatus.FIRING, "shop", NOW.minus(Duration.ofHours(3))));
        view.add(alert("fp-done", AlertStatus.RESOLVED, "shop", NOW.minusSeconds(60)));
        assertThat(view.add(alert("fp-ancient", AlertStatus.RESOLVED, "shop", NOW.minus(Duration.ofHours(2))))).isFalse();

        clock.now = NOW.plus(Duration.ofHours(1));
        view.prune();
        assertThat(view.query(Set.of(), null)).extracting(AlertEvent::fingerprint).containsExactly("fp-old");
    }

    @Test
    void shouldEvictResolvedAlertsFirstBeyondTheCap() {
        AlertView view = new AlertView(Duration.ofHours(6), 2, clock);
        view.add(alert("fp-firing", AlertStatus.FIRING, "shop", NOW.minusSeconds(300)));
        view.add(alert("fp-resolved", AlertStatus.RESOLVED, "shop", NOW.minusSeconds(10)));
        view.add(alert("fp-new", AlertStatus.PENDING, "shop", NOW));
        assertThat(view.query(Set.of(), null)).extracting(AlertEvent::fingerprint).containsExactlyInAnyOrder("fp-firing", "fp-new");
        assertThat(view.evicted()).isEqualTo(1);
    }
}
