package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bash ../telemetry args...} from the module's directory, as the README's commands run, on the jars the
 * reactor built. A stand-in {@code mvn} on the PATH fails the command if the script tried to build: a test must not
 * start a nested Maven.
 */
final class TelemetryScript {

    record Result(int code, String out, String err) {
    }

    private TelemetryScript() {
    }

    static Result run(Path dir, Map<String, String> env, Duration timeout, String... args) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\necho \"the script started mvn $*: build the reactor first"
                + " (mvn -pl local-stack -am verify)\" >&2\nexit 97\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new ArrayList<>(List.of("bash", Path.of("..", "telemetry").toString()));
        command.addAll(List.of(args));
        String name = "telemetry-" + UUID.randomUUID();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.start();
        try {
            assertThat(process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS))
                    .as("./telemetry %s finished", String.join(" ", args)).isTrue();
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            process.destroyForcibly();
        }
    }
}
