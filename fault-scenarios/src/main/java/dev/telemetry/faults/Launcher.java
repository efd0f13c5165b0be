package dev.telemetry.faults;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How child JVMs are started: from the deployed jars of a checkout ({@code java -jar <module>/target/<module>.jar},
 * what an operator runs) or from this JVM's own classpath and the service's main class (what the tests run, so that
 * {@code mvn verify} tests the code it just compiled).
 *
 * @param repo     the checkout whose {@code <module>/target/<module>.jar} are run; unused on the classpath
 * @param fromJars whether to run the jars
 * @param heap     {@code -Xmx} of each service, e.g. {@code 512m}: three services and the harness share two cores
 */
public record Launcher(Path repo, boolean fromJars, String heap) {

    public static Launcher classpath() {
        return new Launcher(Path.of("."), false, "512m");
    }

    public static Launcher jars(Path repo) {
        return new Launcher(repo, true, "512m");
    }

    /** The command line that runs {@code service} with {@code args}. */
    public List<String> command(Service service, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(jvmOptions);
        if (fromJars) {
            Path jar = service.jar(repo).toAbsolutePath().normalize();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build the jars first (mvn -B -ntp -DskipTests install)");
            }
            command.add("-jar");
            command.add(jar.toString());
        } else {
            command.add("-cp");
            command.add(absoluteClasspath());
            command.add(service.mainClass());
        }
        command.addAll(args);
        return command;
    }

    /** This JVM's classpath with absolute entries, so that a child started in another directory finds it too. */
    private static String absoluteClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(Collectors.joining(File.pathSeparator));
    }
}
