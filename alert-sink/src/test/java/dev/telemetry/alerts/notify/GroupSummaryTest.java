package dev.telemetry.alerts.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.testing.Alerts;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GroupSummaryTest {

    private static final Map<String, String> GROUP = Map.of("alertname", "HighLatency", "app", "shop");

    private static Notification group(List<AlertEvent> alerts) {
        return Notification.of(Notification.groupKey(GROUP), GROUP, alerts, "");
    }

    @Test
    void shouldListTheMostSevereThenTheHighestValueFirstWhenTheGroupIsLarge() {
        List<AlertEvent> alerts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            alerts.add(Alerts.endpoint("shop", i, "warning", 600 + i, AlertStatus.FIRING));
        }
        alerts.add(Alerts.endpoint("shop", 900, "critical", 510, AlertStatus.FIRING));
        alerts.add(Alerts.endpoint("shop", 901, "info", 99_999, AlertStatus.FIRING));
        alerts.add(Alerts.endpoint("shop", 902, "critical", 700, AlertStatus.FIRING));

        GroupSummary summary = GroupSummary.of(group(alerts));

        assertThat(summary.title()).isEqualTo("[FIRING:303] alertname=HighLatency, app=shop: 303 alerts");
        assertThat(summary.lines()).containsExactly(
                "(critical) endpoint=/api/902: latency_ms p99 is 700, threshold > 500",
                "(critical) endpoint=/api/900: latency_ms p99 is 510, threshold > 500",
                "(warning) endpoint=/api/299: latency_ms p99 is 899, threshold > 500",
                "(warning) endpoint=/api/298: latency_ms p99 is 898, threshold > 500",
                "(warning) endpoint=/api/297: latency_ms p99 is 897, threshold > 500");
        assertThat(summary.more()).isEqualTo(298);
        assertThat(summary.plain()).endsWith("- (warning) endpoint=/api/297: latency_ms p99 is 897, threshold > 500\nand 298 more alerts\n");
    }

    @Test
    void shouldShowFiringBeforeResolvedWhenBothAreInTheNotification() {
        List<AlertEvent> alerts = List.of(Alerts.endpoint("shop", 1, "critical", 900, AlertStatus.RESOLVED),
                Alerts.endpoint("shop", 2, "info", 501, AlertStatus.FIRING));

        GroupSummary summary = GroupSummary.of(group(alerts));

        assertThat(summary.title()).isEqualTo("[FIRING:1] [RESOLVED:1] alertname=HighLatency, app=shop: 2 alerts");
        assertThat(summary.lines()).containsExactly("(info) endpoint=/api/2: latency_ms p99 is 501, threshold > 500",
                "resolved (critical) endpoint=/api/1: latency_ms p99 is 900, threshold > 500");
        assertThat(summary.more()).isZero();
        assertThat(summary.moreText()).isEmpty();
    }

    @Test
    void shouldNameHowManyGroupsWereHeldAndWhereToSeeThemWhenItIsAStorm() {
        Notification.Storm storm = new Notification.Storm("team", 20, 80, List.of("alertname=HighLatency, app=a1"),
                "telemetry.notifications (outcome \"folded\")");

        GroupSummary summary = GroupSummary.of(Notification.storm(storm, List.of(Alerts.endpoint("a1", 1, "high", 600, AlertStatus.FIRING))));

        assertThat(summary.title()).isEqualTo("[STORM] team: 80 groups (1 alert) held back, over the limit of 20 notifications a minute");
        assertThat(summary.plain()).isEqualTo("""
                [STORM] team: 80 groups (1 alert) held back, over the limit of 20 notifications a minute
                - alertname=HighLatency, app=a1
                and 79 more groups
                See all: telemetry.notifications (outcome "folded")
                """);
    }
}
