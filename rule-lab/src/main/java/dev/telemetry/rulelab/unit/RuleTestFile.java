package dev.telemetry.rulelab.unit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.EventType;
import dev.telemetry.rulelab.replay.LabSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A parsed test file: the rules and windows under test, and its tests. */
public record RuleTestFile(Path file, LabSettings settings, List<RuleTest> tests) {

    /** One test: input events and the alerts expected at points in time, both relative to the test's start. */
    public record RuleTest(String name, List<Input> inputs, List<Expectation> expectations) {
    }

    /**
     * One input line: an event of {@code type} from {@code app}, at {@code at}, repeated every {@code every} while
     * before {@code until} (once when {@code every} is null). {@code wire} holds the event's own fields, as a client
     * posts them to the gateway. It reaches the processor {@code delay} after {@code at} (0 unless given), its
     * client timestamp being {@code at}.
     *
     * @param order position among the test's inputs: events due at the same time are sent in this order
     */
    public record Input(int order, String path, EventType type, String app, Duration at, Duration every,
                        Duration until, Duration delay, ObjectNode wire) {

        /** How many events this line stands for. */
        public long count() {
            if (every == null) {
                return 1;
            }
            return (until.minus(at).toMillis() + every.toMillis() - 1) / every.toMillis();
        }
    }

    /** The alerts pending or firing at {@code at}: exactly these ({@code alerts: []}: none). */
    public record Expectation(Duration at, List<ExpectedAlert> alerts) {
    }

    /**
     * One expected alert. {@code labels} and {@code annotations} list what must be there with these values; the
     * alert may have more (its {@code alertname}, {@code severity}, series labels, further annotations).
     */
    public record ExpectedAlert(String alertname, String state, Map<String, String> labels,
                                Map<String, String> annotations) {
    }
}
