package dev.telemetry.rulelab.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.processor.rules.AlertRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rule tests shipped in {@code rules/tests/} pass, as {@code ./telemetry test-rules rules/tests/*.test.yaml}
 * runs them, and every shipped rule (the processor's {@code processor.yaml} and the demo's) is seen firing in one.
 */
class ShippedRuleTestsTest {

    private static final Path ROOT = RuleTests.repoRoot();
    private static final Path TESTS = ROOT.resolve("rules/tests");

    static List<Path> shippedTestFiles() throws IOException {
        try (Stream<Path> files = Files.list(TESTS)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".test.yaml")).sorted().toList();
        }
    }

    @Test
    void shouldPassEveryShippedRuleTest() throws IOException {
        List<Path> files = shippedTestFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(4);

        RuleTests.Outcome outcome = RuleTests.run(files.toArray(Path[]::new));

        assertThat(outcome.exit()).as(outcome.toString()).isEqualTo(TestRulesMain.PASSED);
        assertThat(outcome.out()).doesNotContain("FAIL ").contains(" 0 failed");
    }

    @Test
    void shouldSeeEveryShippedRuleFireInSomeTest() throws Exception {
        Set<String> fired = new TreeSet<>();
        RuleTestParser parser = new RuleTestParser();
        for (Path file : shippedTestFiles()) {
            parser.parse(file).tests().forEach(test -> test.expectations().forEach(e -> e.alerts().stream()
                    .filter(a -> a.state().equals("firing")).forEach(a -> fired.add(a.alertname()))));
        }
        Set<String> shipped = new TreeSet<>();
        shipped.addAll(ruleNames(ProcessorConfig.load(new String[0], Map.of())));
        shipped.addAll(ruleNames(ProcessorConfig.load(new String[] {"--config",
                ROOT.resolve("local-stack/src/main/resources/demo/processor.yaml").toString()}, Map.of())));

        assertThat(shipped).hasSizeGreaterThan(10);
        assertThat(fired).containsAll(shipped);
    }

    private static Set<String> ruleNames(ProcessorConfig config) {
        return config.rules().stream().map(AlertRule::name).collect(Collectors.toSet());
    }
}
