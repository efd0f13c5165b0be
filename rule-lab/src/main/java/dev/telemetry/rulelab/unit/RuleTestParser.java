package dev.telemetry.rulelab.unit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.EventType;
import dev.telemetry.gateway.ingest.IntakeResult;
import dev.telemetry.gateway.ingest.Rejection;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.rulelab.replay.LabSettings;
import dev.telemetry.rulelab.unit.RuleTestFile.Expectation;
import dev.telemetry.rulelab.unit.RuleTestFile.ExpectedAlert;
import dev.telemetry.rulelab.unit.RuleTestFile.Input;
import dev.telemetry.rulelab.unit.RuleTestFile.RuleTest;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a rule test file (format in the README, "Testing and backtesting rules"). Rules are read by the
 * processor's own configuration code; input events by the gateway's own intake. Every problem is a
 * {@link BadTestFile} naming the file, the line and the key.
 */
public final class RuleTestParser {

    /** Where every test starts: a day boundary, so a window of any size that divides a day starts there too. */
    static final Instant TEST_START = Instant.parse("2025-01-01T00:00:00Z");
    /** How many events one test may stand for: bounds the run time of a typo such as {@code every: 1ms}. */
    static final long MAX_EVENTS_PER_TEST = 5_000_000;

    private static final Set<String> TOP_KEYS = Set.of("rules", "windows", "tests");
    private static final Set<String> WINDOW_KEYS = Set.of("size", "grace", "close-check-interval");
    private static final Set<String> TEST_KEYS = Set.of("name", "input", "expect");
    private static final Set<String> INPUT_KEYS = Set.of("type", "app", "at", "every", "until", "delay");
    private static final Set<String> EXPECT_KEYS = Set.of("at", "alerts");
    private static final Set<String> ALERT_KEYS = Set.of("alertname", "state", "labels", "annotations");

    private final GatewayIntake intake = new GatewayIntake();

    public RuleTestFile parse(Path file) throws BadTestFile {
        LocatedYaml yaml = LocatedYaml.read(file);
        JsonNode root = yaml.root();
        if (!root.isObject()) {
            throw yaml.error("", "a test file is a YAML mapping with the keys " + sorted(TOP_KEYS));
        }
        keys(yaml, root, "", TOP_KEYS);
        if (!root.has("rules")) {
            throw yaml.error("rules", "is required: a path to a processor.yaml, or a list of rules");
        }
        LabSettings settings = rules(yaml, root.get("rules"));
        if (root.has("windows")) {
            settings = windows(yaml, root.get("windows"), settings);
        }
        JsonNode tests = root.get("tests");
        if (tests == null || !tests.isArray() || tests.isEmpty()) {
            throw yaml.error("tests", "is required: a list of tests, each with name, input and expect");
        }
        List<RuleTest> parsed = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < tests.size(); i++) {
            RuleTest test = test(yaml, tests.get(i), "tests[" + i + "]");
            if (!names.add(test.name())) {
                throw yaml.error("tests[" + i + "].name", "'" + test.name() + "' is the name of an earlier test");
            }
            parsed.add(test);
        }
        return new RuleTestFile(file, settings, List.copyOf(parsed));
    }

    // ---- rules and windows -------------------------------------------------------------------------------

    private LabSettings rules(LocatedYaml yaml, JsonNode rules) throws BadTestFile {
        if (rules.isTextual()) {
            Path base = yaml.file().toAbsolutePath().getParent();
            Path rulesFile = base.resolve(rules.textValue()).normalize();
            LocatedYaml rulesYaml;
            try {
                rulesYaml = LocatedYaml.read(rulesFile);
            } catch (BadTestFile e) {
                if ("(file)".equals(e.key()) && e.line() == 0) {
                    throw yaml.error("rules", "the rules file " + rulesFile + ": " + e.problem());
                }
                throw e;
            }
            return LabSettings.rulesOf(load(rulesYaml));
        }
        if (!rules.isArray()) {
            throw yaml.error("rules", "must be a path to a processor.yaml (relative to this file) or a list of rules");
        }
        ObjectNode tree = defaults();
        tree.set("rules", rules);
        try {
            ProcessorConfig config = ConfigLoader.bind(tree, ProcessorConfig.class);
            ProcessorConfig.validate(config);
            return LabSettings.rulesOf(config);
        } catch (ConfigException e) {
            throw yaml.error(e.key(), problem(e));
        }
    }

    /**
     * A processor configuration file as the processor loads {@code --config FILE} (the shipped defaults, then the
     * file: its rule list whole), without the environment; problems name the file, the line and the key.
     */
    public static ProcessorConfig loadRulesFile(Path file) throws BadTestFile {
        return load(LocatedYaml.read(file));
    }

    private static ProcessorConfig load(LocatedYaml rulesYaml) throws BadTestFile {
        try {
            return ProcessorConfig.load(new String[] {"--config", rulesYaml.file().toString()}, Map.of());
        } catch (ConfigException e) {
            throw rulesYaml.error(e.key(), problem(e));
        }
    }

    /**
     * Rules in {@code processor.yaml}'s rule syntax (a list), on the processor's shipped defaults (windows,
     * detection), checked by the processor's own configuration code: what the console's "try this rule" page runs.
     *
     * @throws ConfigException naming the bad key, e.g. {@code rules[0].threshold}
     */
    public static LabSettings inlineRules(JsonNode rules) {
        ObjectNode tree = defaults();
        tree.set("rules", rules);
        ProcessorConfig config = ConfigLoader.bind(tree, ProcessorConfig.class);
        ProcessorConfig.validate(config);
        return LabSettings.rulesOf(config);
    }

    /** The processor's shipped defaults (processor.yaml on the class path), as a tree. */
    static ObjectNode defaults() {
        try (InputStream in = ProcessorConfig.class.getResourceAsStream("/processor.yaml")) {
            if (in == null) {
                throw new IllegalStateException("the processor's processor.yaml is missing from the class path");
            }
            return (ObjectNode) ConfigLoader.readYaml(in, "/processor.yaml");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the processor's processor.yaml", e);
        }
    }

    /** The message of a configuration error without its key, which the error names separately. */
    private static String problem(ConfigException e) {
        String message = e.getMessage();
        String prefix = e.key() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static LabSettings windows(LocatedYaml yaml, JsonNode windows, LabSettings settings) throws BadTestFile {
        if (!windows.isObject()) {
            throw yaml.error("windows", "must be a mapping, e.g. {size: 1m, grace: 10s}");
        }
        keys(yaml, windows, "windows", WINDOW_KEYS);
        Duration size = windows.has("size") ? duration(yaml, windows.get("size"), "windows.size") : null;
        Duration grace = windows.has("grace") ? duration(yaml, windows.get("grace"), "windows.grace") : null;
        Duration check = windows.has("close-check-interval")
                ? duration(yaml, windows.get("close-check-interval"), "windows.close-check-interval") : null;
        if (size != null && size.isZero()) {
            throw yaml.error("windows.size", "must be positive");
        }
        if (check != null && check.isZero()) {
            throw yaml.error("windows.close-check-interval", "must be positive");
        }
        return settings.withWindows(size, grace, check);
    }

    // ---- tests --------------------------------------------------------------------------------------------

    private RuleTest test(LocatedYaml yaml, JsonNode test, String path) throws BadTestFile {
        if (!test.isObject()) {
            throw yaml.error(path, "a test is a mapping with name, input and expect");
        }
        keys(yaml, test, path, TEST_KEYS);
        String name = text(yaml, test.get("name"), path + ".name");
        JsonNode input = test.get("input");
        List<Input> inputs = new ArrayList<>();
        if (input != null && !input.isNull()) {
            if (!input.isArray()) {
                throw yaml.error(path + ".input", "must be a list of events");
            }
            long events = 0;
            for (int i = 0; i < input.size(); i++) {
                Input in = input(yaml, input.get(i), path + ".input[" + i + "]", i);
                events += in.count();
                if (events > MAX_EVENTS_PER_TEST) {
                    throw yaml.error(path + ".input[" + i + "]", "the test's input stands for more than "
                            + MAX_EVENTS_PER_TEST + " events; use a longer `every`");
                }
                inputs.add(in);
            }
        }
        JsonNode expect = test.get("expect");
        if (expect == null || !expect.isArray() || expect.isEmpty()) {
            throw yaml.error(path + ".expect", "is required: a list of {at, alerts}");
        }
        List<Expectation> expectations = new ArrayList<>();
        Duration previous = null;
        for (int i = 0; i < expect.size(); i++) {
            Expectation e = expectation(yaml, expect.get(i), path + ".expect[" + i + "]");
            if (previous != null && e.at().compareTo(previous) <= 0) {
                throw yaml.error(path + ".expect[" + i + "].at", TestTimes.format(e.at())
                        + " is not after the previous expectation's " + TestTimes.format(previous)
                        + ": expectations go in time order");
            }
            previous = e.at();
            expectations.add(e);
        }
        return new RuleTest(name, List.copyOf(inputs), List.copyOf(expectations));
    }

    private Input input(LocatedYaml yaml, JsonNode item, String path, int order) throws BadTestFile {
        if (!item.isObject()) {
            throw yaml.error(path, "an input is a mapping such as {type: request, app: shop, at: 0s, ...}");
        }
        String typeName = text(yaml, item.get("type"), path + ".type");
        EventType type = EventType.fromWireName(typeName).orElseThrow(() -> yaml.error(path + ".type",
                "'" + typeName + "' is not an event type; one of " + EventType.wireNames()));
        String app = text(yaml, item.get("app"), path + ".app");
        Duration at = duration(yaml, required(yaml, item, "at", path), path + ".at");
        Duration every = item.has("every") ? duration(yaml, item.get("every"), path + ".every") : null;
        Duration until = item.has("until") ? duration(yaml, item.get("until"), path + ".until") : null;
        Duration delay = item.has("delay") ? duration(yaml, item.get("delay"), path + ".delay") : Duration.ZERO;
        if (every != null && every.isZero()) {
            throw yaml.error(path + ".every", "must be positive");
        }
        if (every != null && until == null) {
            throw yaml.error(path + ".every", "needs `until` (the repeat stops before it)");
        }
        if (until != null && every == null) {
            throw yaml.error(path + ".until", "only goes with `every`");
        }
        if (until != null && until.compareTo(at) <= 0) {
            throw yaml.error(path + ".until", TestTimes.format(until) + " is not after `at` (" + TestTimes.format(at)
                    + "): no event would be sent");
        }
        Set<String> fields = WireFields.of(type);
        ObjectNode wire = ((ObjectNode) item).deepCopy();
        wire.remove(INPUT_KEYS);
        Iterator<String> names = wire.fieldNames();
        while (names.hasNext()) {
            String field = names.next();
            if (!fields.contains(field)) {
                String hint = field.equals("timestamp") ? " (the event's time is `at`)" : "";
                throw yaml.error(path + "." + field, "unknown key for a " + type.wireName() + " event" + hint
                        + " (known: " + sorted(INPUT_KEYS) + " and the event's fields " + sorted(fields) + ")");
            }
        }
        WireFields.fillDefaults(type, wire);
        if (!delay.isZero()) {
            // A client that sends late: its own timestamp is `at`, it arrives `delay` later.
            wire.put("timestamp", RuleTestParser.TEST_START.plus(at).toEpochMilli());
        }
        // The gateway's check, once: what it refuses is a bad test file, not a failing test.
        IntakeResult result = intake.read(type, app, wire, TEST_START.plus(at).plus(delay));
        if (!result.rejected().isEmpty()) {
            Rejection first = result.rejected().get(0);
            String field = first.field() == null ? path : path + "." + first.field();
            throw yaml.error(field, "the gateway refuses this " + type.wireName() + " event: "
                    + (first.field() == null ? "" : first.field() + " ") + first.message());
        }
        return new Input(order, path, type, app, at, every, until, delay, wire);
    }

    private static Expectation expectation(LocatedYaml yaml, JsonNode item, String path) throws BadTestFile {
        if (!item.isObject()) {
            throw yaml.error(path, "an expectation is a mapping {at, alerts}");
        }
        keys(yaml, item, path, EXPECT_KEYS);
        Duration at = duration(yaml, required(yaml, item, "at", path), path + ".at");
        JsonNode alerts = required(yaml, item, "alerts", path);
        if (!alerts.isArray()) {
            throw yaml.error(path + ".alerts", "must be a list of alerts ([] for none pending or firing)");
        }
        List<ExpectedAlert> expected = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            expected.add(alert(yaml, alerts.get(i), path + ".alerts[" + i + "]"));
        }
        return new Expectation(at, List.copyOf(expected));
    }

    private static ExpectedAlert alert(LocatedYaml yaml, JsonNode item, String path) throws BadTestFile {
        if (!item.isObject()) {
            throw yaml.error(path, "an alert is a mapping {alertname, state, labels, annotations}");
        }
        keys(yaml, item, path, ALERT_KEYS);
        String alertname = text(yaml, item.get("alertname"), path + ".alertname");
        String state = text(yaml, item.get("state"), path + ".state");
        if (!state.equals("pending") && !state.equals("firing")) {
            throw yaml.error(path + ".state", "'" + state + "' is not a state of an active alert: pending or firing"
                    + (state.equals("resolved") ? " (a resolved alert is no longer there: leave it out)" : ""));
        }
        return new ExpectedAlert(alertname, state, strings(yaml, item.get("labels"), path + ".labels"),
                strings(yaml, item.get("annotations"), path + ".annotations"));
    }

    // ---- values -------------------------------------------------------------------------------------------

    private static void keys(LocatedYaml yaml, JsonNode object, String path, Set<String> known) throws BadTestFile {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw yaml.error(path.isEmpty() ? name : path + "." + name, "unknown key (known here: "
                        + sorted(known) + ")");
            }
        }
    }

    private static JsonNode required(LocatedYaml yaml, JsonNode object, String key, String path) throws BadTestFile {
        JsonNode value = object.get(key);
        if (value == null || value.isNull()) {
            throw yaml.error(path + "." + key, "is required");
        }
        return value;
    }

    private static String text(LocatedYaml yaml, JsonNode value, String path) throws BadTestFile {
        if (value == null || value.isNull()) {
            throw yaml.error(path, "is required");
        }
        if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
            throw yaml.error(path, "must be a string");
        }
        String text = value.asText();
        if (text.isBlank()) {
            throw yaml.error(path, "must not be blank");
        }
        return text;
    }

    private static Duration duration(LocatedYaml yaml, JsonNode value, String path) throws BadTestFile {
        if (value == null || value.isNull()) {
            throw yaml.error(path, "is required");
        }
        if (!value.isTextual()) {
            throw yaml.error(path, "'" + value.asText() + "' is not a duration (use e.g. 0s, 90s, 2m30s, 1h)");
        }
        try {
            return TestTimes.parse(value.textValue());
        } catch (IllegalArgumentException e) {
            throw yaml.error(path, e.getMessage());
        }
    }

    private static Map<String, String> strings(LocatedYaml yaml, JsonNode value, String path) throws BadTestFile {
        if (value == null || value.isNull()) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw yaml.error(path, "must be a mapping of names to values, e.g. {app: shop}");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : value.properties()) {
            JsonNode v = field.getValue();
            if (!v.isValueNode() || v.isNull()) {
                throw yaml.error(path + "." + field.getKey(), "must be a string");
            }
            map.put(field.getKey(), v.asText());
        }
        return Map.copyOf(map);
    }

    private static String sorted(Set<String> keys) {
        return String.join(", ", new TreeSet<>(keys));
    }

}
