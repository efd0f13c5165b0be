package dev.telemetry.rulelab.unit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.rulelab.replay.ActiveAlert;
import dev.telemetry.rulelab.replay.LabSettings;
import dev.telemetry.rulelab.replay.Replay;
import dev.telemetry.rulelab.unit.RuleTestFile.Expectation;
import dev.telemetry.rulelab.unit.RuleTestFile.ExpectedAlert;
import dev.telemetry.rulelab.unit.RuleTestFile.Input;
import dev.telemetry.rulelab.unit.RuleTestFile.RuleTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Runs the tests of a file, each on its own {@link Replay} of the production topology: the input events reach the
 * processor in time order (through the gateway's intake), the wall clock moving with them; at each expectation's
 * time the wall clock moves there and the alerts pending or firing are compared with the expected ones.
 */
public final class RuleTestRunner {

    /** What was expected and found at one time of a failing test, and how they differ. */
    public record Mismatch(Duration at, List<ExpectedAlert> expected, List<ActiveAlert> actual, List<String> differences) {
    }

    /** One test's outcome; {@code mismatches} is empty when it passed. */
    public record TestResult(String name, List<Mismatch> mismatches, long events, long lateDropped, Duration elapsed) {
        public boolean passed() {
            return mismatches.isEmpty();
        }
    }

    private final GatewayIntake intake = new GatewayIntake();

    public List<TestResult> run(RuleTestFile file) {
        List<TestResult> results = new ArrayList<>();
        for (RuleTest test : file.tests()) {
            results.add(run(file.settings(), test));
        }
        return results;
    }

    public TestResult run(LabSettings settings, RuleTest test) {
        long started = System.nanoTime();
        Instant start = RuleTestParser.TEST_START;
        List<Mismatch> mismatches = new ArrayList<>();
        try (Replay replay = new Replay(settings, start)) {
            PriorityQueue<Cursor> due = new PriorityQueue<>(Comparator.comparing(Cursor::arrival)
                    .thenComparingInt(c -> c.input.order()).thenComparingLong(c -> c.n));
            for (Input input : test.inputs()) {
                due.add(new Cursor(input, 0));
            }
            for (Expectation expectation : test.expectations()) {
                Duration until = expectation.at();
                while (!due.isEmpty() && due.peek().arrival().compareTo(until) <= 0) {
                    Cursor next = due.poll();
                    for (Envelope envelope : next.envelopes(intake, start)) {
                        replay.send(envelope);
                    }
                    Cursor following = next.following();
                    if (following != null) {
                        due.add(following);
                    }
                }
                replay.advanceTo(start.plus(until));
                List<ActiveAlert> actual = replay.activeAlerts();
                List<String> differences = AlertDiff.differences(expectation.alerts(), actual);
                if (!differences.isEmpty()) {
                    mismatches.add(new Mismatch(until, expectation.alerts(), actual, differences));
                }
            }
            long late = replay.metrics().lateDropped().values().stream().mapToLong(Long::longValue).sum();
            return new TestResult(test.name(), List.copyOf(mismatches), replay.events(), late,
                    Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /** The {@code n}th event of an input line. */
    private record Cursor(Input input, long n) {

        Duration at() {
            return input.every() == null ? input.at() : input.at().plus(input.every().multipliedBy(n));
        }

        Duration arrival() {
            return at().plus(input.delay());
        }

        Cursor following() {
            if (input.every() == null) {
                return null;
            }
            Cursor next = new Cursor(input, n + 1);
            return next.at().compareTo(input.until()) < 0 ? next : null;
        }

        List<Envelope> envelopes(GatewayIntake intake, Instant start) {
            ObjectNode wire = input.wire();
            if (!input.delay().isZero()) {
                wire = wire.deepCopy();
                wire.put("timestamp", start.plus(at()).toEpochMilli());
            }
            return intake.envelopes(input.type(), input.app(), wire, start.plus(arrival()));
        }
    }
}
