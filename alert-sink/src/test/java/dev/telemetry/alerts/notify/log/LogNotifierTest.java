package dev.telemetry.alerts.notify.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.alerts.notify.DeliveryResult;
import dev.telemetry.alerts.testing.Alerts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogNotifierTest {

    @Test
    void shouldWriteOneReadableLineWhenAnAlertFires() {
        List<String> lines = new ArrayList<>();

        DeliveryResult result = new LogNotifier("console", lines::add).deliver(Alerts.firing("fp-1", List.of()), "k");

        assertThat(result).isEqualTo(new DeliveryResult.Delivered());
        assertThat(lines).containsExactly("FIRING HighErrorRate: error_rate mean = 0.07 (threshold > 0.05) severity=high"
                + " {app=shop} since 2024-05-01T10:00:00Z - Error rate above 5% [fp-1]");
    }

    @Test
    void shouldShowWhenItEndedWhenAnAlertResolves() {
        assertThat(LogNotifier.line(Alerts.resolved("fp-1", List.of())))
                .isEqualTo("RESOLVED HighErrorRate: error_rate mean = 0.01 (threshold > 0.05) severity=high"
                        + " {app=shop} since 2024-05-01T10:00:00Z until 2024-05-01T10:07:00Z - Error rate above 5% [fp-1]");
    }
}
