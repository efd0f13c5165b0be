package dev.telemetry.rulelab.unit;

import dev.telemetry.rulelab.replay.ActiveAlert;
import dev.telemetry.rulelab.unit.RuleTestFile.ExpectedAlert;
import dev.telemetry.rulelab.unit.RuleTestRunner.Mismatch;
import dev.telemetry.rulelab.unit.RuleTestRunner.TestResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./telemetry test-rules FILE...}: runs rule test files and prints {@code PASS name} or {@code FAIL name}
 * per test, with the differences at each failing time, then a summary. Exit 0 when every test passed, 1 when any
 * failed, 2 when a file could not be run (its message names the file, the line and the key) or no file was given.
 */
public final class TestRulesMain {

    public static final int PASSED = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;

    private static final String USAGE = "usage: ./telemetry test-rules FILE... (rule test files; see the README,"
            + " \"Testing and backtesting rules\")";

    private TestRulesMain() {
    }

    public static void main(String[] args) {
        // The processor's and the gateway's jars carry a logback.xml each, for their services; the lab has its own
        // (warnings and errors only, on stderr), named so that it is not one of three logback.xml files.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "rule-lab-logback.xml");
        }
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> files = new ArrayList<>();
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                out.println(USAGE);
                return PASSED;
            }
            if (arg.startsWith("-")) {
                err.println("telemetry test-rules: unknown option " + arg);
                err.println(USAGE);
                return BAD_INPUT;
            }
            files.add(Path.of(arg));
        }
        if (files.isEmpty()) {
            err.println(USAGE);
            return BAD_INPUT;
        }
        RuleTestParser parser = new RuleTestParser();
        RuleTestRunner runner = new RuleTestRunner();
        int passed = 0;
        int failed = 0;
        int bad = 0;
        for (Path file : files) {
            RuleTestFile parsed;
            try {
                parsed = parser.parse(file);
            } catch (BadTestFile e) {
                err.println("telemetry test-rules: " + e.getMessage());
                bad++;
                continue;
            } catch (RuntimeException e) {
                err.println("telemetry test-rules: " + file + ": cannot be read: " + e);
                bad++;
                continue;
            }
            out.println(file);
            List<TestResult> results;
            try {
                results = runner.run(parsed);
            } catch (RuntimeException e) {
                err.println("telemetry test-rules: " + file + ": the run failed: " + e);
                bad++;
                continue;
            }
            for (TestResult result : results) {
                print(out, result);
                if (result.passed()) {
                    passed++;
                } else {
                    failed++;
                }
            }
        }
        int tests = passed + failed;
        out.println(tests + (tests == 1 ? " test" : " tests") + ": " + passed + " passed, " + failed + " failed"
                + (bad == 0 ? "" : "; " + bad + (bad == 1 ? " file" : " files") + " could not be run"));
        return bad > 0 ? BAD_INPUT : failed > 0 ? FAILED : PASSED;
    }

    private static void print(PrintStream out, TestResult result) {
        out.println((result.passed() ? "PASS " : "FAIL ") + result.name()
                + String.format(Locale.ROOT, "  (%d events, %.2f s)", result.events(), result.elapsed().toMillis() / 1000.0));
        for (Mismatch m : result.mismatches()) {
            out.println("  at " + TestTimes.format(m.at()) + ":");
            out.println("    expected:" + (m.expected().isEmpty() ? " none pending or firing" : ""));
            for (ExpectedAlert e : m.expected()) {
                out.println("      " + AlertDiff.describe(e));
            }
            out.println("    actual:" + (m.actual().isEmpty() ? "   none pending or firing" : ""));
            for (ActiveAlert a : m.actual()) {
                out.println("      " + AlertDiff.describe(a));
            }
            for (String difference : m.differences()) {
                out.println("    " + difference);
            }
        }
        if (result.lateDropped() > 0) {
            out.println("  note: " + result.lateDropped() + " input events reached the processor after their window"
                    + " had closed and were dropped as late");
        }
    }
}
