package dev.telemetry.prober;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.prober.testing.LocalServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar synthetic-prober.jar} as its own process: a bad configuration names the key; SIGTERM stops it cleanly. */
class ProberMainTest {

    @Test
    void shouldExitWithTheKeyNamedWhenTheConfigurationIsInvalid(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("prober.yaml"), """
                checks:
                  - {name: home, url: "http://127.0.0.1/"}
                  - {name: api, url: "127.0.0.1:8080/health"}
                """);

        Process process = start(dir, "--config", yaml.toString());

        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(read(dir)).contains("configuration error: checks[1].url: must be an absolute http:// or https:// URL, "
                + "got '127.0.0.1:8080/health'");
    }

    @Test
    void shouldStopCleanlyWhenSentSigterm(@TempDir Path dir) throws Exception {
        try (LocalServer site = LocalServer.start().route("/", e -> LocalServer.respond(e, 200, "text/plain", "ok"))) {
            Path yaml = Files.writeString(dir.resolve("prober.yaml"), """
                    gateway: {url: "http://127.0.0.1:%d"}
                    http: {host: 127.0.0.1, port: 0}
                    checks:
                      - {name: home, url: "%s", interval: 1s}
                    """.formatted(LocalServer.closedPort(), site.url("/")));
            Process process = start(dir, "--config", yaml.toString());
            try {
                // Started, and its results reach for a gateway that is not there: logged, not fatal.
                await().atMost(Duration.ofSeconds(60)).until(() -> read(dir).contains("not recorded") || !process.isAlive());
                assertThat(process.isAlive()).as("running: %s", read(dir)).isTrue();

                process.destroy(); // SIGTERM

                assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited: %s", read(dir)).isTrue();
                assertThat(read(dir)).contains("synthetic-prober: stopped cleanly");
            } finally {
                process.destroyForcibly();
            }
        }
    }

    private static Process start(Path dir, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[args.length + 4];
        command[0] = java;
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = ProberMain.class.getName();
        System.arraycopy(args, 0, command, 4, args.length);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("prober.log").toFile()).start();
    }

    private static String read(Path dir) throws Exception {
        Path log = dir.resolve("prober.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
