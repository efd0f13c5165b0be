package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.stack.console.ConsoleStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./telemetry up}'s options (each service's configuration file goes to that service alone; the console's
 * port can be moved) and its banner: the console URL it prints opens the console.
 */
class LocalStackMainTest {

    private static final Pattern CONSOLE_URL = Pattern.compile("Console \\(open it in a browser\\):\\s+(http://localhost:\\d+/)\\n");

    @Test
    void shouldHandTheProberItsOwnFileWhenProberConfigIsGiven() {
        LocalStack.Options options = LocalStackMain.parse(new String[] {"--prober-config", "probes.yaml",
                "--sink-config", "sink.yaml"});

        assertThat(options.proberArgs()).containsExactly("--config", "probes.yaml");
        assertThat(options.sinkArgs()).containsExactly("--config", "sink.yaml");
        assertThat(options.gatewayArgs()).isEmpty();
    }

    @Test
    void shouldUseTheProbersShippedDefaultsWhenNoFileIsGiven() {
        assertThat(LocalStackMain.parse(new String[0]).proberArgs()).isEmpty();
    }

    @Test
    void shouldHandTheConsoleItsOwnFileWhenConsoleConfigIsGiven() {
        LocalStack.Options options = LocalStackMain.parse(new String[] {"--console-config", "console.yaml"});

        assertThat(options.consoleArgs()).containsExactly("--config", "console.yaml");
        assertThat(options.gatewayArgs()).isEmpty();
    }

    @Test
    void shouldMoveTheConsolesPortWhenConsoleHttpPortIsSet() {
        // What `CONSOLE_HTTP_PORT=9094 ./telemetry up` does: the stack loads the console's config with the environment.
        assertThat(ConsoleConfig.load(new String[0], Map.of("CONSOLE_HTTP_PORT", "9094")).http().port()).isEqualTo(9094);
        assertThat(ConsoleConfig.load(new String[0], Map.of()).http().port()).isEqualTo(8084);
    }

    @Test
    void shouldPrintAConsoleUrlThatOpensTheConsoleWhenTheStackIsUp(@TempDir Path dir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (LocalStack stack = ConsoleStack.start(dir, Map.of(), Map.of(), Map.of())) {
            String banner = LocalStackMain.banner(stack, true);

            Matcher url = CONSOLE_URL.matcher(banner);
            assertThat(url.find()).as(banner).isTrue();
            assertThat(url.group(1)).isEqualTo("http://localhost:" + stack.console().port() + "/");
            // Opened as a browser opens it: the start page, linking every view.
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(url.group(1))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("telemetry console</title>");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> http.send(
                    HttpRequest.newBuilder(URI.create(url.group(1) + "health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode() == 200);

            // The write token it shows (made up for this run) logs in a session that may silence, as the page does.
            Matcher token = Pattern.compile("this run's write token (\\S+)\n").matcher(banner);
            assertThat(token.find()).as(banner).isTrue();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(url.group(1) + "api/session"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token.group(1) + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            assertThat(login.body()).contains("\"canWrite\":true");
            // A token the user configured is theirs: not printed.
            assertThat(LocalStackMain.banner(stack, false)).doesNotContain(stack.consoleWriteToken())
                    .contains("with your write token (auth.write-token)");
        }
    }
}
