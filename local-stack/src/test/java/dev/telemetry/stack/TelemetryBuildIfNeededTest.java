package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./telemetry up} and {@code ./telemetry demo} build first when something they run is stale: a missing jar
 * (the stack's, the broker's, the console's), a Java source newer than the stack's jar, or a file of the console's
 * page (HTML, CSS, JavaScript), which the stack serves from the console's jar; {@code ./telemetry slo} (and
 * {@code detect}) build the processor's jar when one of its main sources is newer, not for a test. The real
 * script runs in a copy of the tree's shape with stand-ins for {@code mvn} and {@code java} on the PATH that only
 * record being called.
 */
class TelemetryBuildIfNeededTest {

    private static final Instant BUILT = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path root;
    private Path calls;

    @BeforeEach
    void tree() throws IOException {
        Files.copy(Path.of("..", "telemetry"), root.resolve("telemetry"));
        calls = root.resolve("calls.txt");
        Path bin = Files.createDirectories(root.resolve("bin"));
        executable(bin.resolve("mvn"), "#!/bin/sh\necho \"mvn $*\" >>'" + calls + "'\n");
        executable(bin.resolve("java"), """
                #!/bin/sh
                case "$*" in
                  *-XshowSettings*) echo '    java.specification.version = 17' >&2 ;;
                  *) echo "java $*" >>'%s' ;;
                esac
                """.formatted(calls));
        for (String source : new String[] {"console/src/main/java/dev/telemetry/console/ConsoleMain.java",
                "console/src/main/resources/public/js/common.js", "console/src/main/resources/public/index.html",
                "local-stack/src/main/java/dev/telemetry/stack/LocalStack.java", "pom.xml"}) {
            file(source, Instant.parse("2026-01-01T11:00:00Z"));
        }
        for (String jar : new String[] {"local-stack/target/local-stack.jar", "local-kafka/target/local-kafka.jar",
                "console/target/console.jar"}) {
            file(jar, BUILT);
        }
    }

    @Test
    void shouldStartWithoutBuildingWhenEveryJarIsNewerThanTheSources() throws Exception {
        run("up");

        assertThat(Files.readAllLines(calls)).noneMatch(l -> l.startsWith("mvn")).anyMatch(l -> l.contains("local-stack.jar"));
    }

    @Test
    void shouldBuildFirstWhenAPageOfTheConsoleChanged() throws Exception {
        file("console/src/main/resources/public/js/common.js", BUILT.plusSeconds(60));

        run("up");

        assertThat(Files.readAllLines(calls)).first().asString().startsWith("mvn");
    }

    @Test
    void shouldBuildFirstWhenTheConsoleJarIsMissing() throws Exception {
        Files.delete(root.resolve("console/target/console.jar"));

        run("demo");

        assertThat(Files.readAllLines(calls)).first().asString().startsWith("mvn");
        assertThat(Files.readAllLines(calls)).last().asString().contains("dev.telemetry.stack.demo.DemoMain");
    }

    @Test
    void shouldBuildFirstWhenAJavaSourceOfTheConsoleChanged() throws Exception {
        file("console/src/main/java/dev/telemetry/console/ConsoleMain.java", BUILT.plusSeconds(60));

        run("up");

        assertThat(Files.readAllLines(calls)).first().asString().startsWith("mvn");
    }

    @Test
    void shouldRunTheProcessorJarWithoutBuildingWhenOnlyATestOfTheProcessorChanged() throws Exception {
        // Maven leaves an unchanged jar alone, so a newer test source would otherwise mean a build on every run.
        file("stream-processor/src/main/java/dev/telemetry/processor/SloBackfillMain.java",
                Instant.parse("2026-01-01T11:00:00Z"));
        file("stream-processor/target/stream-processor.jar", BUILT);
        file("stream-processor/src/test/java/dev/telemetry/processor/SloRecoveryTest.java", BUILT.plusSeconds(60));

        run("slo", "backfill", "checkout-availability");

        assertThat(Files.readAllLines(calls)).noneMatch(l -> l.startsWith("mvn")).singleElement().asString()
                .contains("stream-processor.jar").endsWith("dev.telemetry.processor.SloBackfillMain checkout-availability");
    }

    @Test
    void shouldBuildTheProcessorFirstWhenAMainSourceOfTheProcessorChanged() throws Exception {
        file("stream-processor/target/stream-processor.jar", BUILT);
        file("stream-processor/src/main/java/dev/telemetry/processor/SloBackfillMain.java", BUILT.plusSeconds(60));

        run("slo", "backfill", "checkout-availability");

        assertThat(Files.readAllLines(calls)).first().asString().startsWith("mvn").contains("-pl stream-processor");
        assertThat(Files.readAllLines(calls)).last().asString().contains("dev.telemetry.processor.SloBackfillMain");
    }

    private void run(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("telemetry").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(root.resolve("out.txt").toFile());
        builder.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(root.resolve("out.txt"))).isZero();
    }

    private void file(String path, Instant modified) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.writeString(file, "x");
        }
        Files.setLastModifiedTime(file, FileTime.from(modified));
    }

    private static void executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
