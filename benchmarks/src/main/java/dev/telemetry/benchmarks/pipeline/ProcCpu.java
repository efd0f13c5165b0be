package dev.telemetry.benchmarks.pipeline;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time (user + system) a process has used so far, in microseconds, from {@code /proc/<pid>/stat}. */
final class ProcCpu {

    /** Clock ticks per second of utime and stime: {@code getconf CLK_TCK}, which the script passes in. */
    private static final long TICKS_PER_SECOND = Long.getLong("clk.tck", 100);

    private ProcCpu() {
    }

    /** Of process {@code pid}; -1 when it is not running ({@code pid} < 0 or no such process). */
    static long micros(long pid) {
        if (pid < 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may hold spaces; fields after its closing parenthesis start at 3 (state).
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
            return ticks * 1_000_000 / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Of this JVM (the harness: load generator, lag probe, summary reader). */
    static long self() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1000;
    }

    /** {@code /proc/loadavg}'s three averages. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
