package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./telemetry test-rules FILE...} typed as a user types it, from the directory the files are in: exit 0
 * when every test passes, 1 when one fails, 2 for a file that cannot be run (the message names file, line and key).
 * The rule lab's jar is built by the reactor before this module's tests (local-stack depends on rule-lab).
 */
class TelemetryTestRulesCommandTest {

    private static final String RULES = """
            rules:
              - {name: checkout_slow, metric: response_time, labels: {endpoint: /api/checkout}, stat: p95,
                 operator: gt, threshold: 1000, severity: high}
            windows: {size: 1m, grace: 10s}
            """;

    private static final String PASSING = RULES + """
            tests:
              - name: slow checkout fires
                input:
                  - {type: request, app: shop, at: 0s, every: 5s, until: 3m, endpoint: /api/checkout, status: 200, durationMs: 2500}
                expect:
                  - at: 1m30s
                    alerts: [{alertname: checkout_slow, state: firing, labels: {app: shop}}]
            """;

    @TempDir
    Path dir;

    @Test
    void shouldExitZeroWhenEveryTestPasses() throws Exception {
        Files.writeString(dir.resolve("pass.test.yaml"), PASSING);

        Result result = testRules("pass.test.yaml");

        assertThat(result.exit).as(result.toString()).isZero();
        assertThat(result.out).contains("PASS slow checkout fires").contains("1 test: 1 passed, 0 failed");
    }

    @Test
    void shouldExitOneWithADiffWhenATestFails() throws Exception {
        Files.writeString(dir.resolve("pass.test.yaml"), PASSING);
        Files.writeString(dir.resolve("fail.test.yaml"), PASSING.replace("state: firing", "state: pending"));

        Result result = testRules("pass.test.yaml", "fail.test.yaml");

        assertThat(result.exit).as(result.toString()).isEqualTo(1);
        assertThat(result.out).contains("FAIL slow checkout fires").contains("state expected pending, got firing")
                .contains("2 tests: 1 passed, 1 failed");
    }

    @Test
    void shouldExitTwoNamingFileLineAndKeyForABadFile() throws Exception {
        Files.writeString(dir.resolve("bad.test.yaml"), PASSING.replace("every: 5s", "every: 5 seconds"));

        Result result = testRules("bad.test.yaml");

        assertThat(result.exit).as(result.toString()).isEqualTo(2);
        assertThat(result.err).contains("bad.test.yaml:8: tests[0].input[0].every: '5 seconds' is not a duration")
                .doesNotContain("Exception");
    }

    private record Result(int exit, String out, String err) {
    }

    private Result testRules(String... files) throws IOException, InterruptedException {
        Path script = Path.of("..", "telemetry").toAbsolutePath().normalize();
        String[] command = new String[files.length + 3];
        command[0] = "bash";
        command[1] = script.toString();
        command[2] = "test-rules";
        System.arraycopy(files, 0, command, 3, files.length);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("test-rules finished").isTrue();
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            process.destroyForcibly();
        }
    }
}
