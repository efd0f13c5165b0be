package dev.telemetry.processor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.telemetry.processor.slo.spec.BurnRateAlert;
import dev.telemetry.processor.slo.spec.BurnSeverity;
import dev.telemetry.processor.slo.spec.Sli;
import dev.telemetry.processor.slo.spec.SliType;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.service.config.ConfigException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code slos:} section of the processor's configuration, as the issue writes it. */
class SloConfigTest {

    /** The issue's example, verbatim. */
    static final String ISSUE_EXAMPLE = """
            slos:
              - name: checkout-availability
                app: demo-app                 # optional: every app when absent
                objective: 99.9               # percent of good events
                period: 30d                   # 7d, 28d and 30d at least
                sli: {type: availability, endpoint: /api/checkout}   # request logs; good = status < 500
              - name: checkout-latency
                objective: 99
                sli: {type: latency, endpoint: /api/checkout, threshold: 1s}   # good = durationMs <= threshold
              - name: home-lcp
                objective: 75
                sli: {type: vital, name: LCP, page: /}                       # good = rating "good"
              - name: sign-in-journey
                objective: 99.5
                sli: {type: synthetic, check: sign-in}                       # good = success
              - name: payments
                objective: 99.95
                sli: {type: ratio, good: payments_ok, total: payments_total} # custom metrics: sums of values
            """;

    @TempDir
    Path dir;

    @Test
    void shouldShipNoSlosWhenNoFileIsGiven() {
        assertThat(ProcessorConfig.load(new String[0], Map.of()).slos()).isEmpty();
    }

    @Test
    void shouldBindEverySliTypeWhenConfiguredAsTheIssueShows() throws Exception {
        ProcessorConfig config = load(ISSUE_EXAMPLE);

        assertThat(config.slos()).extracting(Slo::name, Slo::app, Slo::objective, Slo::period)
                .containsExactly(
                        tuple("checkout-availability", "demo-app", new BigDecimal("99.9"), Duration.ofDays(30)),
                        tuple("checkout-latency", null, new BigDecimal("99"), Duration.ofDays(30)),
                        tuple("home-lcp", null, new BigDecimal("75"), Duration.ofDays(30)),
                        tuple("sign-in-journey", null, new BigDecimal("99.5"), Duration.ofDays(30)),
                        tuple("payments", null, new BigDecimal("99.95"), Duration.ofDays(30)));
        assertThat(config.slos()).extracting(Slo::sli).containsExactly(
                new Sli(SliType.AVAILABILITY, "/api/checkout", null, null, null, null, null, null),
                new Sli(SliType.LATENCY, "/api/checkout", Duration.ofSeconds(1), null, null, null, null, null),
                new Sli(SliType.VITAL, null, null, "LCP", "/", null, null, null),
                new Sli(SliType.SYNTHETIC, null, null, null, null, "sign-in", null, null),
                new Sli(SliType.RATIO, null, null, null, null, null, "payments_ok", "payments_total"));
        assertThat(config.slos().get(0).errorBudget()).isEqualByComparingTo("0.001");
        assertThat(config.slos().get(4).errorBudget()).isEqualByComparingTo("0.0005");
        assertThat(config.settings().slos()).isEqualTo(config.slos());
    }

    @Test
    void shouldDefaultToTheWorkbookAlertsWhenNoneAreConfigured() throws Exception {
        Slo slo = load(ISSUE_EXAMPLE).slos().get(0);

        assertThat(slo.alerts()).extracting(BurnRateAlert::longWindow, BurnRateAlert::shortWindow,
                        a -> a.factor().toPlainString(), BurnRateAlert::severity)
                .containsExactly(
                        tuple(Duration.ofHours(1), Duration.ofMinutes(5), "14.4", BurnSeverity.CRITICAL),
                        tuple(Duration.ofHours(6), Duration.ofMinutes(30), "6", BurnSeverity.CRITICAL),
                        tuple(Duration.ofDays(3), Duration.ofHours(6), "1", BurnSeverity.WARNING));
        assertThat(slo.channels()).containsExactly("#alerts");
    }

    /**
     * The default factors are the issue's: 14.4 / 6 / 1 for 30 days and, as it states them, 16.8 / 5.6 / 2.8 for 7
     * days (in the same 1h/5m, 6h/30m and 3d/6h windows). Any other period spends the workbook's 2 %, 5 % and 10 % of
     * the budget in those windows: factor = share × period ÷ long window (28 days: 13.44, 5.6, 0.9333…).
     */
    @ParameterizedTest
    @CsvSource({
            "30d, 14.4, 6, 1",
            "7d, 16.8, 5.6, 2.8",
            "28d, 13.44, 5.6, 0.9333333333333333",
            "14d, 6.72, 2.8, 0.4666666666666667"})
    void shouldTakeTheIssuesFactorsFor30And7DaysAndScaleTheWorkbooksForOtherPeriods(String period, String page1h,
                                                                                     String page6h, String ticket3d)
            throws Exception {
        Slo slo = load("""
                slos:
                  - name: s
                    objective: 99.9
                    period: %s
                    sli: {type: availability}
                """.formatted(period)).slos().get(0);

        assertThat(slo.alerts()).extracting(BurnRateAlert::longWindow, BurnRateAlert::shortWindow,
                        a -> a.factor().toPlainString(), BurnRateAlert::severity)
                .containsExactly(
                        tuple(Duration.ofHours(1), Duration.ofMinutes(5), page1h, BurnSeverity.CRITICAL),
                        tuple(Duration.ofHours(6), Duration.ofMinutes(30), page6h, BurnSeverity.CRITICAL),
                        tuple(Duration.ofDays(3), Duration.ofHours(6), ticket3d, BurnSeverity.WARNING));
    }

    @Test
    void shouldTakeConfiguredAlertsAndChannelsWhenGiven() throws Exception {
        Slo slo = load("""
                slos:
                  - name: payments
                    objective: 99.95
                    period: 7d
                    sli: {type: ratio, good: payments_ok, total: payments_total}
                    alerts:
                      - {long-window: 1h, short-window: 5m, factor: 14.4, severity: critical}
                      - {long-window: 3d, short-window: 6h, factor: 1, severity: warning}
                    channels: ["#payments"]
                """).slos().get(0);

        assertThat(slo.alerts()).containsExactly(
                new BurnRateAlert(Duration.ofHours(1), Duration.ofMinutes(5), new BigDecimal("14.4"), BurnSeverity.CRITICAL),
                new BurnRateAlert(Duration.ofDays(3), Duration.ofHours(6), new BigDecimal("1"), BurnSeverity.WARNING));
        assertThat(slo.channels()).containsExactly("#payments");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{type: latency, endpoint: /x}|slos[1].sli.threshold: must be a positive duration, got null",
            "{type: latency, threshold: 0s}|slos[1].sli.threshold: must be a positive duration, got PT0S",
            "{type: vital, page: /}|slos[1].sli.name: must be set",
            "{type: synthetic}|slos[1].sli.check: must be set",
            "{type: ratio, good: ok}|slos[1].sli.total: must be set",
            "{type: ratio, good: ok, total: ok}|slos[1].sli.total: must name another metric than good ('ok')",
            "{type: availability, threshold: 1s}|slos[1].sli.threshold: only latency SLIs have a threshold",
            "{type: uptime}|slos[1].sli.type: must be one of availability, latency, vital, synthetic, ratio",
            "{endpoint: /x}|slos[1].sli.type: must be set"})
    void shouldNameTheSliKeyWhenTheSliIsIncomplete(String sli, String message) throws Exception {
        assertThatThrownBy(() -> load("""
                slos:
                  - {name: fine, objective: 99, sli: {type: availability}}
                  - {name: broken, objective: 99, sli: %s}
                """.formatted(sli)))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "name: 'a b', objective: 99|slos[0].name: may only contain letters, digits, '.', '_' and '-'",
            "name: a, objective: 100|slos[0].objective: must be a percentage above 0 and below 100, got 100",
            "name: a, objective: 0|slos[0].objective: must be a percentage above 0 and below 100, got 0",
            "name: a|slos[0].objective: must be set",
            "name: a, objective: 99, period: 1d|slos[0].period: must be at least 3d (the longest burn-rate window), got 1d",
            "name: a, objective: 99, period: 2000d|slos[0].period: spans 2880000 windows of 1m; at most 2000000 are kept per SLO and app",
            "name: a, objective: 99, period: 7d, alerts: [{long-window: 8d, short-window: 1h, factor: 1, severity: warning}]|slos[0].alerts[0].long-window: must not be longer than the period (7d)",
            "name: a, objective: 99, alerts: [{long-window: 1h, short-window: 1h, factor: 1, severity: warning}]|slos[0].alerts[0].short-window: must be shorter than long-window (1h)",
            "name: a, objective: 99, alerts: [{long-window: 1h, short-window: 90s, factor: 1, severity: warning}]|slos[0].alerts[0].short-window: must be a whole number of windows (windows.size 1m), got 90s",
            "name: a, objective: 99, alerts: [{long-window: 1h, short-window: 5m, factor: 0, severity: warning}]|slos[0].alerts[0].factor: must be a burn rate greater than 0, got 0",
            "name: a, objective: 99, alerts: [{long-window: 1h, short-window: 5m, factor: 2, severity: page}]|slos[0].alerts[0].severity: must be one of critical (a page), warning (a ticket)",
            "name: a, objective: 99, app: ' '|slos[0].app: must not be blank (leave it out to mean every app)"})
    void shouldNameTheKeyWhenAnSloBreaksItsRule(String fields, String message) throws Exception {
        assertThatThrownBy(() -> load("""
                slos:
                  - {%s, sli: {type: availability}}
                """.formatted(fields)))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void shouldLoadTheDemosAvailabilityAndLatencySlosWhenTheDemoConfigIsGiven() {
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config",
                Path.of("..", "local-stack", "src", "main", "resources", "demo", "processor.yaml").toString()}, Map.of());

        assertThat(config.slos()).extracting(Slo::name, Slo::app, s -> s.objective().toPlainString(), s -> s.sli().type())
                .containsExactly(tuple("checkout-availability", "demo-app", "99.9", SliType.AVAILABILITY),
                        tuple("checkout-latency", "demo-app", "99", SliType.LATENCY));
        assertThat(config.slos().get(1).sli().threshold()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.slos().get(0).periodWindows(config.windows().size())).isEqualTo(259_200);
    }

    @Test
    void shouldRejectTheSecondSloWhenTwoShareAName() {
        assertThatThrownBy(() -> load("""
                slos:
                  - {name: a, objective: 99, sli: {type: availability}}
                  - {name: a, objective: 99.9, sli: {type: availability}}
                """))
                .isInstanceOf(ConfigException.class).hasMessage("slos[1].name: 'a' is used by an earlier SLO");
    }

    private ProcessorConfig load(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("processor.yaml"), yaml);
        return ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
    }

    static List<Slo> issueExample(Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("slos.yaml"), ISSUE_EXAMPLE);
        return ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of()).slos();
    }
}
