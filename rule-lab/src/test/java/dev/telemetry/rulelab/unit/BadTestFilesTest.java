package dev.telemetry.rulelab.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A file that cannot be run exits 2 with one line naming the file, the line and the key; never a stack trace. */
class BadTestFilesTest {

    private static final String RULE = "rules:\n"
            + "  - {name: slow, metric: response_time, stat: p95, operator: gt, threshold: 1000, severity: high}\n";
    private static final String TEST = "tests:\n"
            + "  - name: one\n"
            + "    input:\n"
            + "      - {type: request, app: shop, at: 0s, endpoint: /a, status: 200, durationMs: 5}\n"
            + "    expect:\n"
            + "      - at: 1m\n"
            + "        alerts: []\n";

    @TempDir
    Path dir;

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of("unknown top-level key", RULE + "window: {size: 1m}\n" + TEST,
                        ":3: window: unknown key (known here: rules, tests, windows)"),
                Arguments.of("bad duration", RULE + TEST.replace("at: 1m", "at: 1x"),
                        ":8: tests[0].expect[0].at: '1x' is not a duration"),
                Arguments.of("duration without a unit", RULE + TEST.replace("at: 1m", "at: 60"),
                        ":8: tests[0].expect[0].at: '60' is not a duration"),
                Arguments.of("unknown event type", RULE + TEST.replace("type: request", "type: pageview"),
                        ":6: tests[0].input[0].type: 'pageview' is not an event type; one of vital, metric"),
                Arguments.of("bad field type", RULE + TEST.replace("status: 200", "status: ok"),
                        ":6: tests[0].input[0].status: the gateway refuses this request event: status "),
                Arguments.of("missing wire field", RULE + TEST.replace("durationMs: 5", "duration: 5"),
                        ":6: tests[0].input[0].duration: unknown key for a request event"),
                Arguments.of("timestamp instead of at", RULE + TEST.replace("durationMs: 5", "durationMs: 5, timestamp: 1"),
                        ":6: tests[0].input[0].timestamp: unknown key for a request event (the event's time is `at`)"),
                Arguments.of("every without until", RULE + TEST.replace("at: 0s,", "at: 0s, every: 1s,"),
                        ":6: tests[0].input[0].every: needs `until`"),
                Arguments.of("expectations out of order", RULE + TEST + "      - at: 30s\n        alerts: []\n",
                        ":10: tests[0].expect[1].at: 30s is not after the previous expectation's 1m"),
                Arguments.of("resolved is not a state", RULE
                                + TEST.replace("alerts: []", "alerts: [{alertname: slow, state: resolved}]"),
                        ":9: tests[0].expect[0].alerts[0].state: 'resolved' is not a state of an active alert"),
                Arguments.of("unknown alert key", RULE
                                + TEST.replace("alerts: []", "alerts: [{alertname: slow, state: firing, value: 3}]"),
                        ":9: tests[0].expect[0].alerts[0].value: unknown key (known here: alertname, annotations, labels, state)"),
                Arguments.of("unknown rule key", RULE.replace("severity: high", "severity: high, for: 5m") + TEST,
                        ":2: rules[0].for: unknown key"),
                Arguments.of("bad rule value", RULE.replace("operator: gt", "operator: above") + TEST,
                        ":2: rules[0].operator: "),
                Arguments.of("rule without threshold", RULE.replace("threshold: 1000, ", "") + TEST,
                        ":2: rules[0].threshold: must be set"),
                Arguments.of("two rules with one name", RULE + RULE.substring("rules:\n".length()) + TEST,
                        ":3: rules[1].name: 'slow' is used by an earlier rule"),
                Arguments.of("duplicate key", RULE + TEST.replace("  - name: one\n", "  - name: one\n    name: two\n"),
                        ":5: tests[0].name: duplicate key"),
                Arguments.of("no tests", RULE, ":1: tests: is required"),
                Arguments.of("missing rules file", "rules: nowhere/processor.yaml\n" + TEST,
                        ":1: rules: the rules file "),
                Arguments.of("not YAML", RULE + "tests: [\n", ":"),
                Arguments.of("not a mapping", "- just\n- a list\n", ":1: (root): a test file is a YAML mapping"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void shouldNameFileLineAndKey(String what, String yaml, String message) throws Exception {
        Path file = RuleTests.write(dir.resolve("bad.test.yaml"), yaml);

        RuleTests.Outcome outcome = RuleTests.run(file);

        assertThat(outcome.exit()).as(outcome.toString()).isEqualTo(TestRulesMain.BAD_INPUT);
        assertThat(outcome.err()).as(outcome.toString()).startsWith("telemetry test-rules: " + file + message)
                .doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(outcome.err().lines()).hasSize(1);
    }

    @Test
    void shouldNameTheLineOfABadRuleInTheRulesFile() throws Exception {
        Path rules = RuleTests.write(dir.resolve("processor.yaml"), """
                windows:
                  size: 1m
                rules:
                  - name: slow
                    metric: response_time
                    operator: gt
                    threshold: fast
                    severity: high
                """);
        Path test = RuleTests.write(dir.resolve("tests/a.test.yaml"), "rules: ../processor.yaml\n" + TEST);

        RuleTests.Outcome outcome = RuleTests.run(test);

        assertThat(outcome.exit()).as(outcome.toString()).isEqualTo(TestRulesMain.BAD_INPUT);
        assertThat(outcome.err()).startsWith("telemetry test-rules: " + rules + ":7: rules[0].threshold: ");
    }

    @Test
    void shouldSayWhenAFileIsMissing() {
        RuleTests.Outcome outcome = RuleTests.run(dir.resolve("nope.test.yaml"));

        assertThat(outcome.exit()).isEqualTo(TestRulesMain.BAD_INPUT);
        assertThat(outcome.err()).isEqualTo("telemetry test-rules: " + dir.resolve("nope.test.yaml")
                + ": (file): no such file" + System.lineSeparator());
    }
}
