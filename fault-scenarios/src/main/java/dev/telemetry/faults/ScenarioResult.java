package dev.telemetry.faults;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one scenario run counted, from the clients' answers to the summaries analysts read.
 *
 * @param accepted              requests answered 202
 * @param acknowledged          events acknowledged by those 202s
 * @param acknowledgedIds       distinct event ids in the 202 answers
 * @param unavailable           requests answered 503
 * @param otherStatus           requests answered anything else
 * @param failed                requests without an answer (refused, reset, timed out)
 * @param eventsPerSecond       acknowledged events per second over the load
 * @param raw                   the load's events on the raw topic
 * @param acknowledgedNotInRaw  acknowledged ids missing from the raw topic
 * @param summarised            the sum of {@code count} over the load's summaries (read_committed)
 * @param summaries             summary records read
 * @param summaryWindows        distinct (series, window) pairs among them
 * @param late                  {@code processor_records_late_total} over every processor run
 * @param countingOutcome       why counting the summaries stopped
 * @param measurements          the scenario's own numbers by name (e.g. {@link FaultScenarios#BACKLOG_AT_RESTART})
 * @param notes                 what the scenario did and observed, in order (fault times, proxy bytes, backlog...)
 */
public record ScenarioResult(String scenario, String parameters, long accepted, long acknowledged, long acknowledgedIds,
                             long unavailable, long otherStatus, long failed, double eventsPerSecond, long raw,
                             long acknowledgedNotInRaw, long summarised, long summaries, long summaryWindows, long late,
                             String countingOutcome, Map<String, Long> measurements, List<String> notes,
                             Path runDir) {

    public ScenarioResult {
        measurements = Map.copyOf(measurements);
        notes = List.copyOf(notes);
    }

    /** One of {@link #measurements()}; fails naming the ones there are when it is not. */
    public long measurement(String name) {
        Long value = measurements.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no measurement '" + name + "' in " + scenario + "; there are " + measurements.keySet());
        }
        return value;
    }

    /** Raw-topic events that no summary counts (negative: counted more than once). */
    public long missing() {
        return raw - summarised;
    }

    /** Every acknowledged event is in the raw topic, and every raw event is counted exactly once. */
    public boolean passed() {
        return acknowledgedNotInRaw == 0 && raw >= acknowledged && summarised == raw;
    }

    /** A table for people. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append("scenario ").append(scenario).append(" (").append(parameters).append(")\n");
        notes.forEach(note -> out.append("  - ").append(note).append('\n'));
        row(out, "requests answered 202", accepted, "");
        row(out, "events acknowledged (202)", acknowledged, String.format(Locale.ROOT, "%,.0f events/s; %,d distinct ids",
                eventsPerSecond, acknowledgedIds));
        row(out, "requests answered 503", unavailable, "");
        row(out, "requests answered otherwise", otherStatus, "");
        row(out, "requests without an answer", failed, "connection refused/reset or timeout");
        row(out, "events in telemetry.metrics", raw, "the load's app and metric");
        row(out, "acknowledged ids not in it", acknowledgedNotInRaw, acknowledgedNotInRaw == 0 ? "" : "GATEWAY LOST ACKNOWLEDGED EVENTS");
        row(out, "events summarised (sum of count)", summarised, summaries + " summaries, " + summaryWindows
                + " distinct series windows; " + countingOutcome);
        row(out, "late-dropped (processor metric)", late, LateRecordsMonitor.COUNTER);
        row(out, "missing = raw - summarised", missing(), missing() == 0 ? "" : missing() > 0
                ? String.format(Locale.ROOT, "LOST: %.2f %% of raw events never summarised", 100.0 * missing() / Math.max(1, raw))
                : "COUNTED TWICE: summaries exceed raw events");
        out.append(passed() ? "PASS" : "FAIL").append(": ").append(verdict()).append('\n');
        out.append("logs, configs and data: ").append(runDir).append('\n');
        return out.toString();
    }

    private String verdict() {
        if (acknowledgedNotInRaw > 0 || raw < acknowledged) {
            return "acknowledged events are missing from telemetry.metrics";
        }
        if (summarised < raw) {
            return (raw - summarised) + " events reached telemetry.metrics but not telemetry.summaries";
        }
        if (summarised > raw) {
            return "telemetry.summaries counts " + (summarised - raw) + " events more than telemetry.metrics holds";
        }
        return "every acknowledged event is in telemetry.metrics and summarised exactly once";
    }

    private static void row(StringBuilder out, String label, long value, String comment) {
        out.append(String.format(Locale.ROOT, "  %-34s %,14d  %s%n", label, value, comment));
    }
}
