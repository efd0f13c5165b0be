package dev.telemetry.rulelab.unit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./telemetry test-rules}: passing, failing with a readable diff, {@code for} and {@code keep_firing_for}. */
class TestRulesMainTest {

    /** The demo's rule, as the issue's example names it: {@code rules: ../processor.yaml}. */
    private static final String PROCESSOR_YAML = """
            rules:
              - name: checkout_slow
                metric: response_time
                labels: {endpoint: /api/checkout}
                stat: p95
                operator: gt
                threshold: 1000
                duration: 0
                severity: high
                channels: ["#alerts"]
                annotations:
                  summary: "Checkout is slow"
            """;

    /** The issue's example, word for word. */
    private static final String ISSUE_EXAMPLE = """
            rules: ../processor.yaml          # or  rules: [ {name: ..., metric: ..., ...} ]
            windows: {size: 1m, grace: 10s}
            tests:
              - name: checkout_slow fires after two slow windows and resolves
                input:
                  - {type: request, app: shop, at: 0s, every: 1s, until: 4m, endpoint: /api/checkout, status: 200, durationMs: 2500}
                  - {type: request, app: shop, at: 4m, every: 1s, until: 8m, endpoint: /api/checkout, status: 200, durationMs: 200}
                expect:
                  - at: 2m30s
                    alerts: [{alertname: checkout_slow, state: firing, labels: {app: shop}}]
                  - at: 7m
                    alerts: []                # nothing pending or firing
            """;

    @TempDir
    Path dir;

    @Test
    void shouldPassTheIssuesExample() throws Exception {
        RuleTests.write(dir.resolve("processor.yaml"), PROCESSOR_YAML);
        Path test = RuleTests.write(dir.resolve("tests/checkout.test.yaml"), ISSUE_EXAMPLE);

        RuleTests.Outcome outcome = RuleTests.run(test);

        assertThat(outcome.exit()).as(outcome.toString()).isZero();
        assertThat(outcome.out()).contains("PASS checkout_slow fires after two slow windows and resolves")
                .contains("1 test: 1 passed, 0 failed");
        assertThat(outcome.err()).isEmpty();
    }

    @Test
    void shouldFailAWrongExpectationWithADiffNamingTheDifference() throws Exception {
        RuleTests.write(dir.resolve("processor.yaml"), PROCESSOR_YAML);
        Path test = RuleTests.write(dir.resolve("tests/wrong.test.yaml"), """
                rules: ../processor.yaml
                windows: {size: 1m, grace: 10s}
                tests:
                  - name: right
                    input:
                      - {type: request, app: shop, at: 0s, every: 5s, until: 3m, endpoint: /api/checkout, status: 200, durationMs: 2500}
                    expect:
                      - at: 1m30s
                        alerts: [{alertname: checkout_slow, state: firing}]
                  - name: wrong state, label and annotation
                    input:
                      - {type: request, app: shop, at: 0s, every: 5s, until: 3m, endpoint: /api/checkout, status: 200, durationMs: 2500}
                    expect:
                      - at: 1m30s
                        alerts:
                          - alertname: checkout_slow
                            state: pending
                            labels: {app: shop, endpoint: /api/cart}
                            annotations: {summary: Checkout is fast}
                  - name: missing and unexpected
                    input:
                      - {type: request, app: shop, at: 0s, every: 5s, until: 3m, endpoint: /api/checkout, status: 200, durationMs: 2500}
                    expect:
                      - at: 30s
                        alerts: [{alertname: checkout_slow, state: firing}]
                      - at: 1m30s
                        alerts: []
                """);

        RuleTests.Outcome outcome = RuleTests.run(test);

        assertThat(outcome.exit()).as(outcome.toString()).isEqualTo(TestRulesMain.FAILED);
        assertThat(outcome.out())
                .contains("PASS right")
                .contains("FAIL wrong state, label and annotation")
                .contains("  at 1m30s:")
                .contains("state expected pending, got firing")
                .contains("label endpoint expected \"/api/cart\", got \"/api/checkout\"")
                .contains("annotation summary expected \"Checkout is fast\", got \"Checkout is slow\"")
                .contains("FAIL missing and unexpected")
                .contains("  at 30s:")
                .contains("missing:    checkout_slow firing {}")
                .contains("unexpected: checkout_slow firing {alertname=\"checkout_slow\", app=\"shop\","
                        + " endpoint=\"/api/checkout\", severity=\"high\"}")
                .contains("3 tests: 1 passed, 2 failed");
    }

    @Test
    void shouldHoldPendingForTheRulesDurationAndKeepFiringForKeepFiringFor() throws Exception {
        // duration 2 (minutes) and keep_firing_for 2m on one-minute windows; breaching windows 0m..3m.
        Path test = RuleTests.write(dir.resolve("for.test.yaml"), """
                rules:
                  - {name: busy, metric: queue_depth, stat: max, operator: gt, threshold: 100, duration: 2,
                     keep_firing_for: 2m, severity: medium}
                  - {name: busy_now, metric: queue_depth, stat: max, operator: gt, threshold: 100, severity: low}
                windows: {size: 1m, grace: 10s}
                tests:
                  - name: for and keep_firing_for
                    input:
                      - {type: metric, app: shop, at: 0s, every: 10s, until: 3m, name: queue_depth, value: 500}
                      - {type: metric, app: shop, at: 3m, every: 10s, until: 8m, name: queue_depth, value: 5}
                    expect:
                      - at: 1m30s     # one breaching window: busy waits for its 2 minutes, busy_now fires
                        alerts:
                          - {alertname: busy, state: pending}
                          - {alertname: busy_now, state: firing}
                      - at: 2m30s     # two breaching windows cover the 2 minutes
                        alerts:
                          - {alertname: busy, state: firing}
                          - {alertname: busy_now, state: firing}
                      - at: 4m30s     # one good window: busy_now resolved, busy keeps firing (1m < 2m)
                        alerts: [{alertname: busy, state: firing}]
                      - at: 5m30s     # two good windows: 2m without a breach, resolved
                        alerts: []
                  - name: a breach inside keep_firing_for keeps it firing
                    input:
                      - {type: metric, app: shop, at: 0s, every: 10s, until: 3m, name: queue_depth, value: 500}
                      - {type: metric, app: shop, at: 3m, every: 10s, until: 4m, name: queue_depth, value: 5}
                      - {type: metric, app: shop, at: 4m, every: 10s, until: 5m, name: queue_depth, value: 500}
                      - {type: metric, app: shop, at: 5m, every: 10s, until: 9m, name: queue_depth, value: 5}
                    expect:
                      - at: 6m30s
                        alerts: [{alertname: busy, state: firing}]
                      - at: 7m30s
                        alerts: []
                """);

        RuleTests.Outcome outcome = RuleTests.run(test);

        assertThat(outcome.exit()).as(outcome.toString()).isZero();
    }

    @Test
    void shouldDropLateEventsAsTheProcessorDoesAndSayHowMany() throws Exception {
        Path test = RuleTests.write(dir.resolve("late.test.yaml"), """
                rules:
                  - {name: any_error, metric: checkout_errors, stat: sum, operator: gt, threshold: 0, severity: low}
                windows: {size: 1m, grace: 10s}
                tests:
                  - name: within grace counts, after it does not
                    input:
                      - {type: metric, app: shop, at: 0s, every: 10s, until: 5m, name: checkout_errors, value: 0}
                      - {type: metric, app: shop, at: 50s, delay: 15s, name: checkout_errors, value: 1}
                      - {type: metric, app: shop, at: 2m50s, delay: 30s, name: checkout_errors, value: 1}
                    expect:
                      - at: 1m30s
                        alerts: [{alertname: any_error, state: firing}]
                      - at: 3m30s
                        alerts: []
                """);

        RuleTests.Outcome outcome = RuleTests.run(test);

        assertThat(outcome.exit()).as(outcome.toString()).isZero();
        assertThat(outcome.out()).contains("note: 1 input events reached the processor after their window had closed");
    }

    @Test
    void shouldRunSeveralFilesAndReportTheWorstOutcome() throws Exception {
        RuleTests.write(dir.resolve("processor.yaml"), PROCESSOR_YAML);
        Path good = RuleTests.write(dir.resolve("tests/good.test.yaml"), ISSUE_EXAMPLE);
        Path bad = RuleTests.write(dir.resolve("tests/bad.test.yaml"), "rules: ../processor.yaml\ntests: []\n");

        RuleTests.Outcome outcome = RuleTests.run(good, bad);

        assertThat(outcome.exit()).isEqualTo(TestRulesMain.BAD_INPUT);
        assertThat(outcome.out()).contains("PASS ").contains("1 test: 1 passed, 0 failed; 1 file could not be run");
        assertThat(outcome.err()).contains(bad + ":2: tests: is required");
    }

    @Test
    void shouldAskForFiles() {
        RuleTests.Outcome outcome = RuleTests.run(new String[0]);

        assertThat(outcome.exit()).isEqualTo(TestRulesMain.BAD_INPUT);
        assertThat(outcome.err()).contains("usage: ./telemetry test-rules FILE...");
        assertThat(Files.exists(dir)).isTrue();
    }
}
