package dev.telemetry.prober.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.prober.browser.JourneyStep;
import dev.telemetry.prober.config.CheckConfig.CheckType;
import dev.telemetry.service.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProberConfigTest {

    @TempDir
    Path dir;

    @Test
    void shouldCheckTheLocalGatewayEveryThirtySecondsWhenNothingIsConfigured() {
        ProberConfig config = ProberConfig.load(null, Map.of());

        assertThat(config.gateway().syntheticEndpoint().toString()).isEqualTo("http://localhost:8080/api/synthetic");
        assertThat(config.gateway().key()).isEqualTo("dev-ingest-key");
        assertThat(config.http().port()).isEqualTo(8083);
        assertThat(config.browser().chromedriver()).isEqualTo("/usr/bin/chromedriver");
        assertThat(config.checks()).containsExactly(CheckConfig.http("gateway-health", "http://localhost:8080/api/health",
                Duration.ofSeconds(30), Duration.ofSeconds(5)));
    }

    @Test
    void shouldTakeGatewayAndPortsFromTheEnvironmentWhenSet() {
        ProberConfig config = ProberConfig.load(null, Map.of("PROBER_GATEWAY_URL", "http://gateway:8080/",
                "PROBER_GATEWAY_KEY", "k-1", "PROBER_HTTP_PORT", "9083", "PROBER_BROWSER_CHROMEDRIVER", "/opt/chromedriver"));

        assertThat(config.gateway().syntheticEndpoint().toString()).isEqualTo("http://gateway:8080/api/synthetic");
        assertThat(config.gateway().key()).isEqualTo("k-1");
        assertThat(config.http().port()).isEqualTo(9083);
        assertThat(config.browser().chromedriver()).isEqualTo("/opt/chromedriver");
    }

    @Test
    void shouldBindHttpChecksAndJourneysWhenAFileListsThem() throws Exception {
        ProberConfig config = load("""
                checks:
                  - name: home
                    url: https://shop.example/
                    method: head
                    expected-status: 204
                    body-contains: Welcome
                    latency-budget: 800ms
                    interval: 15s
                    timeout: 2s
                  - name: sign-in
                    type: browser
                    url: https://shop.example/app/
                    interval: 5m
                    steps:
                      - open: /journal/new
                      - open: https://other.example/
                      - wait-for: '[data-testid="dashboard"]'
                      - click: '#sign-in'
                      - type: {selector: '#email', text: ann@example.com}
                      - assert-text: {selector: h1, contains: Welcome}
                """);

        CheckConfig home = config.checks().get(0);
        assertThat(home).isEqualTo(new CheckConfig("home", CheckType.HTTP, Duration.ofSeconds(15), Duration.ofSeconds(2),
                "https://shop.example/", "HEAD", 204, "Welcome", Duration.ofMillis(800), List.of()));
        CheckConfig journey = config.checks().get(1);
        assertThat(journey.type()).isEqualTo(CheckType.BROWSER);
        assertThat(journey.timeout()).isEqualTo(CheckConfig.DEFAULT_TIMEOUT);
        assertThat(journey.journey()).containsExactly(
                new JourneyStep.Open("https://shop.example/app/journal/new"),
                new JourneyStep.Open("https://other.example/"),
                new JourneyStep.WaitFor("[data-testid=\"dashboard\"]"),
                new JourneyStep.Click("#sign-in"),
                new JourneyStep.Type("#email", "ann@example.com"),
                new JourneyStep.AssertText("h1", "Welcome"));
    }

    static Stream<Arguments> invalidFiles() {
        String ok = "{name: ok, url: 'http://localhost/'}";
        return Stream.of(
                Arguments.of("checks: [" + ok + ", {name: b, url: 'localhost:8080/health'}]", "checks[1].url",
                        "must be an absolute http:// or https:// URL, got 'localhost:8080/health'"),
                Arguments.of("checks: [" + ok + ", {name: b}]", "checks[1].url", "must be set"),
                Arguments.of("checks: [" + ok + ", {url: 'http://x/'}]", "checks[1].name", "must be set"),
                Arguments.of("checks: [" + ok + ", " + ok + "]", "checks[1].name",
                        "duplicate check name 'ok' (already used by checks[0])"),
                Arguments.of("checks: [{name: a, url: 'http://x/', interval: 0s}]", "checks[0].interval", "must be a positive duration"),
                Arguments.of("checks: [{name: a, url: 'http://x/', timeout: soon}]", "checks[0].timeout", "'soon' is not a duration"),
                Arguments.of("checks: [{name: a, url: 'http://x/', expected-status: 700}]", "checks[0].expected-status",
                        "must be an HTTP status between 100 and 599, got 700"),
                Arguments.of("checks: [{name: a, url: 'http://x/', method: FETCH}]", "checks[0].method", "must be one of"),
                Arguments.of("checks: [{name: a, url: 'http://x/', latency-budget: 0s}]", "checks[0].latency-budget",
                        "must be a positive duration"),
                Arguments.of("checks: [{name: a, url: 'http://x/', steps: [{open: 'http://x/'}]}]", "checks[0].steps",
                        "only browser checks have steps"),
                Arguments.of("checks: [{name: a, type: browser}]", "checks[0].steps", "a browser check needs at least one step"),
                Arguments.of("checks: [{name: a, type: robot, url: 'http://x/'}]", "checks[0].type", "not one of the values accepted"),
                Arguments.of("checks: [{name: a, type: browser, steps: [{click: '#b'}]}]", "checks[0].steps[0]",
                        "a journey starts with open: <url>"),
                Arguments.of("checks: [{name: a, type: browser, steps: [{open: 'http://x/'}, {click: '#a', wait-for: '#b'}]}]",
                        "checks[0].steps[1]", "a step needs exactly one of open, wait-for, click, type, assert-text; got wait-for, click"),
                Arguments.of("checks: [{name: a, type: browser, steps: [{open: 'http://x/'}, {}]}]",
                        "checks[0].steps[1]", "got none"),
                Arguments.of("checks: [{name: a, type: browser, steps: [{open: /home}]}]", "checks[0].steps[0].open",
                        "'/home' is a path: set the check's url"),
                Arguments.of("checks: [{name: a, type: browser, steps: [{open: 'http://x/'}, {type: {selector: '#q'}}]}]",
                        "checks[0].steps[1].type.text", "must be set"),
                Arguments.of("checks: [{name: a, type: browser, steps: [{open: 'http://x/'}, {assert-text: {selector: h1}}]}]",
                        "checks[0].steps[1].assert-text.contains", "must be set"),
                Arguments.of("checks: [{name: a, type: browser, steps: [{open: 'http://x/'}, {hover: '#a'}]}]",
                        "checks[0].steps[1].hover", "unknown key"),
                Arguments.of("gateway: {url: 'ftp://gw'}", "gateway.url", "must be an absolute http:// or https:// URL"),
                Arguments.of("gateway: {key: ''}", "gateway.key", "must be set"),
                Arguments.of("http: {port: 70000}", "http.port", "must be a port between 0 and 65535"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidFiles")
    void shouldNameTheKeyWhenAValueIsInvalid(String yaml, String key, String problem) throws Exception {
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(key + ": ")
                .hasMessageContaining(problem)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }

    @Test
    void shouldHaveNothingToDoWhenAFileListsNoChecks() throws Exception {
        assertThat(load("checks: []").checks()).isEmpty();
    }

    private ProberConfig load(String yaml) throws Exception {
        return ProberConfig.load(Files.writeString(dir.resolve("prober.yaml"), yaml), Map.of());
    }
}
