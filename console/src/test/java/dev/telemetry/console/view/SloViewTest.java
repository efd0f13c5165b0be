package dev.telemetry.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.derived.SloReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SLO view: one series of reports per SLO and app, replaced per window, bounded by retention and both caps. */
class SloViewTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");

    static SloReport report(String app, String slo, Instant windowEnd, double budget) {
        return new SloReport(SloReport.SCHEMA_VERSION, app, slo, "availability", 99.9, "30d", windowEnd.minusSeconds(60),
                windowEnd, 0.99, 99, 100, List.of(new SloReport.BurnRate("5m", 10, 99, 100),
                new SloReport.BurnRate("1h", 2, 990, 1000)), budget, 9990, 10000);
    }

    @Test
    void shouldKeepOneReportPerWindowNewestLastAndFilterByAppAndSlo() {
        ViewsTest.TestClock clock = new ViewsTest.TestClock();
        SloView view = new SloView(Duration.ofHours(6), 10, 100, clock);
        assertThat(view.add(report("shop", "checkout", NOW.minusSeconds(60), 0.9))).isTrue();
        assertThat(view.add(report("shop", "checkout", NOW.minusSeconds(120), 0.95))).isTrue();
        assertThat(view.add(report("shop", "checkout", NOW.minusSeconds(60), 0.9))).as("the same report again").isFalse();
        assertThat(view.add(report("shop", "checkout", NOW.minusSeconds(60), 0.8))).as("the window reported anew").isTrue();
        assertThat(view.add(report("blog", "checkout", NOW.minusSeconds(60), 1))).isTrue();
        assertThat(view.add(report("shop", "latency", NOW.minusSeconds(60), 1))).isTrue();

        List<SloView.Slo> shop = view.query("shop", "checkout");
        assertThat(shop).hasSize(1);
        assertThat(shop.get(0).reports()).extracting(SloReport::windowEnd)
                .containsExactly(NOW.minusSeconds(120), NOW.minusSeconds(60));
        assertThat(shop.get(0).latest().budgetRemaining()).isEqualTo(0.8);
        assertThat(view.query(null, "checkout")).extracting(SloView.Slo::app).containsExactly("blog", "shop");
        assertThat(view.query("shop", null)).extracting(SloView.Slo::slo).containsExactly("checkout", "latency");
        assertThat(view.query("nobody", null)).isEmpty();
        assertThat(view.size()).isEqualTo(3);
        assertThat(view.reportCount()).isEqualTo(4);
    }

    @Test
    void shouldStayBoundedByRetentionWindowsAndSlos() {
        ViewsTest.TestClock clock = new ViewsTest.TestClock();
        SloView view = new SloView(Duration.ofHours(1), 2, 3, clock);
        assertThat(view.add(report("shop", "checkout", NOW.minus(Duration.ofHours(2)), 1))).as("older than the retention").isFalse();
        for (int i = 5; i >= 1; i--) {
            view.add(report("shop", "checkout", NOW.minusSeconds(60L * i), 1 - i / 100.0));
        }
        assertThat(view.query("shop", "checkout").get(0).reports()).extracting(SloReport::windowEnd)
                .containsExactly(NOW.minusSeconds(180), NOW.minusSeconds(120), NOW.minusSeconds(60));
        assertThat(view.add(report("shop", "checkout", NOW.minusSeconds(600), 1))).as("older than a full series").isFalse();

        view.add(report("blog", "checkout", NOW.minusSeconds(30), 1));
        view.add(report("docs", "checkout", NOW.minusSeconds(20), 1)); // evicts shop: its latest window is oldest
        assertThat(view.size()).isEqualTo(2);
        assertThat(view.evicted()).isEqualTo(1);
        assertThat(view.query("shop", null)).isEmpty();

        clock.now = NOW.plus(Duration.ofHours(1)).minusSeconds(25);
        assertThat(view.query(null, null)).extracting(SloView.Slo::app).containsExactly("docs");
        view.prune();
        assertThat(view.size()).isEqualTo(1);
        assertThat(view.reportCount()).isEqualTo(1);
    }
}
