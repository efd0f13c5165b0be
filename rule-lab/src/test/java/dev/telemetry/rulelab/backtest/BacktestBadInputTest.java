package dev.telemetry.rulelab.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./telemetry backtest} on bad input that needs no broker to refuse: each a one-line message naming the
 * problem, a non-zero exit, never a stack trace. (BacktestMainTest covers the cases that need one: an empty range.)
 */
class BacktestBadInputTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private record Outcome(int exit, String out, String err) {
    }

    @Test
    void shouldNameTheFileLineAndKeyOfAnUnknownRuleKey() throws Exception {
        Path rules = Files.writeString(dir.resolve("rules.yaml"), """
                windows: {size: 1m, grace: 10s}
                rules:
                  - name: slow
                    metric: response_time
                    treshold: 1000
                """);

        Outcome o = backtest("--rules", rules.toString(), "--bootstrap-server", "127.0.0.1:1");

        assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
        assertThat(o.err).startsWith("telemetry backtest: " + rules + ":5:").contains("treshold").doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseAMissingRulesFile() {
        Outcome o = backtest("--rules", dir.resolve("missing.yaml").toString());

        assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
        assertThat(o.err).contains("missing.yaml").doesNotContain("\tat ");
    }

    @Test
    void shouldRefuseTimesOutOfOrderInTheFutureOrBeyondRetention() throws Exception {
        Path rules = rules();
        assertThat(backtest("--rules", rules.toString(), "--from", "2026-03-01T11:00:00Z", "--to",
                "2026-03-01T10:00:00Z")).satisfies(o -> {
                    assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
                    assertThat(o.err).contains("the range is empty: --to (2026-03-01T10:00:00Z) is not after --from");
                });
        assertThat(backtest("--rules", rules.toString(), "--from", "-1h", "--to", "-1h")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("the range is empty");
        });
        assertThat(backtest("--rules", rules.toString(), "--to", "2026-03-01T13:00:00Z")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("is in the future");
        });
        assertThat(backtest("--rules", rules.toString(), "--from", "-7d2h")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("beyond the raw topics' retention (7d)");
        });
        assertThat(backtest("--rules", rules.toString(), "--timeout", "soon")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("--timeout: 'soon' is not a duration");
        });
        assertThat(backtest("--rules", rules.toString(), "--timeout", "0s")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("--timeout: 0s");
        });
    }

    @Test
    void shouldGiveUpOnAnUnreachableBrokerWithinTheTimeout() throws Exception {
        long started = System.nanoTime();

        Outcome o = backtest("--rules", rules().toString(), "--from", "-1h", "--bootstrap-server", "127.0.0.1:1",
                "--timeout", "1s");

        assertThat(o.exit).isEqualTo(BacktestMain.NOTHING);
        assertThat(o.err).isEqualTo("telemetry backtest: cannot read the raw topics from 127.0.0.1:1: no answer from"
                + " the broker within 1s\n");
        assertThat(o.out).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    private Path rules() throws Exception {
        return Files.writeString(dir.resolve("processor.yaml"), """
                windows: {size: 1m, grace: 10s}
                rules:
                  - {name: slow, metric: response_time, stat: p95, operator: gt, threshold: 1000, severity: high}
                """);
    }

    private static Outcome backtest(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = BacktestMain.run(args, o, e, NOW, Map.of());
        }
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
