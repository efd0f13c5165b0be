package dev.telemetry.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One service in its own JVM, which a scenario can start, kill (SIGKILL) or stop (SIGTERM) and start again with the
 * same command line: same ports, data and state directories. Each run logs to its own file ({@code <name>-1.log},
 * {@code <name>-2.log}, ...), kept after the scenario for a post-mortem.
 */
public final class ServiceProcess implements AutoCloseable {

    /** Environment variables that would override the scenario's config files (env beats file); never inherited. */
    private static final List<String> OVERRIDE_PREFIXES = List.of("GATEWAY_", "PROCESSOR_", "SINK_", "PROBER_",
            "KAFKA_BOOTSTRAP_SERVERS", "SENTRY_");
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final String name;
    private final List<String> command;
    private final Map<String, String> env;
    private final Path logDir;
    private final Readiness readiness;
    private Process process;
    private Path log;
    private int runs;

    public ServiceProcess(String name, List<String> command, Map<String, String> env, Path logDir, Readiness readiness) {
        this.name = name;
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.logDir = logDir;
        this.readiness = readiness;
    }

    /** Starts a new run and returns once it is ready, or throws naming the log to read. */
    public synchronized ServiceProcess start(Duration readyWithin) {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        runs++;
        log = logDir.resolve(name + "-" + runs + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(key -> OVERRIDE_PREFIXES.stream().anyMatch(key::startsWith));
        builder.environment().putAll(env);
        try {
            Files.writeString(logDir.resolve(name + "-" + runs + ".cmd"), String.join(" ", command) + "\n" + env + "\n");
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
        }
        awaitReady(readyWithin);
        return this;
    }

    private void awaitReady(Duration within) {
        Process running = process;
        try {
            await().atMost(within).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                if (!running.isAlive()) {
                    return true; // reported below, without waiting for the timeout
                }
                return readiness.isReady(log);
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " was not ready within " + within + " (waited for "
                    + readiness.describe() + "); see " + log, e);
        }
        if (!running.isAlive()) {
            throw new IllegalStateException(name + " exited with " + running.exitValue() + " while starting; see " + log);
        }
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed or committed. Returns the exit code (137). */
    public synchronized int kill() {
        requireRunning();
        process.destroyForcibly();
        return waitForExit(process);
    }

    /** SIGTERM: the service closes cleanly (its shutdown hook), or is killed after a minute. */
    public synchronized int stop() {
        requireRunning();
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        return waitForExit(process);
    }

    /** The operating system's id of the current run's process, e.g. to read its CPU time from {@code /proc}. */
    public synchronized long pid() {
        requireRunning();
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The log of the current (or last) run. */
    public synchronized Path log() {
        return log;
    }

    /** Every run's log, oldest first. */
    public synchronized List<Path> logs() {
        return IntStream.rangeClosed(1, runs).mapToObj(n -> logDir.resolve(name + "-" + n + ".log")).toList();
    }

    public String name() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (isAlive()) {
            stop();
        }
    }

    private void requireRunning() {
        if (!isAlive()) {
            throw new IllegalStateException(name + " is not running" + (log == null ? "" : "; see " + log));
        }
    }

    private static int waitForExit(Process process) {
        try {
            return process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return -1;
        }
    }
}
