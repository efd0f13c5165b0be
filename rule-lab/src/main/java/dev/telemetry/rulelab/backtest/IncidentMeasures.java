package dev.telemetry.rulelab.backtest;

import dev.telemetry.rulelab.backtest.Backtest.FiringInterval;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The SRE workbook's four measures of one rule against labelled incidents ("Alerting on SLOs"), over a backtest's
 * range {@code [from, to)}. Pure: firing intervals and incidents in, numbers out.
 *
 * <ul>
 *   <li>An interval <em>overlaps</em> an incident when it carries the incident's labels and
 *       {@code interval.start < incident.end && intervalEnd > incident.start}; an interval still firing at the
 *       range's end ({@code end} null) lasts until {@code to}.</li>
 *   <li>Only incidents that judge the rule ({@link Incident#judges}) and overlap the range count; a rule no incident
 *       of the file judges gets no measures at all (all four null: the file says nothing about it).</li>
 *   <li><b>precision</b>: the share of the rule's firing intervals that overlap one of those incidents; null when it
 *       never fired (nothing to be precise about).</li>
 *   <li><b>recall</b>: the share of those incidents some firing interval overlaps (detected); null when none is in the
 *       range.</li>
 *   <li><b>detection time</b>, per detected incident: from the incident's start to the start of the first
 *       overlapping interval, 0 when the alert was already firing. An incident never detected has none: it is
 *       left out of the mean and max (and counted in recall).</li>
 *   <li><b>reset time</b>, per detected incident: from the incident's end to the end of the last overlapping
 *       interval (the alert's resolution), 0 when it resolved before the incident ended; unknown (null) when an
 *       overlapping interval is still firing at the range's end, and then left out of the mean and max.</li>
 * </ul>
 *
 * @param precision null when the rule never fired, or no incident judges it
 * @param recall    null when no incident judging the rule is in the range
 */
public record IncidentMeasures(Double precision, Double recall, Timing detection, Timing reset) {

    /** One incident's time; {@code seconds} null with {@code why} saying why there is none. */
    public record PerIncident(String incident, Double seconds, String why) {
    }

    /** The times of every judged incident in the range, and the mean and max of those known (null: none known). */
    public record Timing(Double meanSeconds, Double maxSeconds, List<PerIncident> incidents) {

        static Timing of(List<PerIncident> incidents) {
            double sum = 0;
            Double max = null;
            int known = 0;
            for (PerIncident i : incidents) {
                if (i.seconds() != null) {
                    sum += i.seconds();
                    known++;
                    max = max == null ? i.seconds() : Math.max(max, i.seconds());
                }
            }
            return new Timing(known == 0 ? null : sum / known, max, List.copyOf(incidents));
        }
    }

    static final String NOT_DETECTED = "not detected";
    static final String STILL_FIRING = "still firing at the end of the range";

    /** No incident of the file judges the rule. */
    public static final IncidentMeasures NOT_JUDGED = new IncidentMeasures(null, null, Timing.of(List.of()),
            Timing.of(List.of()));

    public static IncidentMeasures of(String rule, List<FiringInterval> firing, List<Incident> incidents,
                                      Instant from, Instant to) {
        List<Incident> judging = incidents.stream().filter(i -> i.judges(rule)).toList();
        if (judging.isEmpty()) {
            return NOT_JUDGED;
        }
        List<Incident> inRange = judging.stream()
                .filter(i -> i.start().isBefore(to) && i.end().isAfter(from)).toList();
        int relevant = 0;
        for (FiringInterval interval : firing) {
            if (inRange.stream().anyMatch(i -> overlaps(interval, i, to))) {
                relevant++;
            }
        }
        Double precision = firing.isEmpty() ? null : (double) relevant / firing.size();
        List<PerIncident> detection = new ArrayList<>();
        List<PerIncident> reset = new ArrayList<>();
        int detected = 0;
        for (Incident incident : inRange) {
            List<FiringInterval> overlapping = firing.stream().filter(f -> overlaps(f, incident, to)).toList();
            if (overlapping.isEmpty()) {
                detection.add(new PerIncident(incident.name(), null, NOT_DETECTED));
                reset.add(new PerIncident(incident.name(), null, NOT_DETECTED));
                continue;
            }
            detected++;
            Instant firstStart = overlapping.stream().map(FiringInterval::start).min(Instant::compareTo).orElseThrow();
            detection.add(new PerIncident(incident.name(), seconds(incident.start(), firstStart), null));
            if (overlapping.stream().anyMatch(f -> f.end() == null)) {
                reset.add(new PerIncident(incident.name(), null, STILL_FIRING));
            } else {
                Instant lastEnd = overlapping.stream().map(FiringInterval::end).max(Instant::compareTo).orElseThrow();
                reset.add(new PerIncident(incident.name(), seconds(incident.end(), lastEnd), null));
            }
        }
        Double recall = inRange.isEmpty() ? null : (double) detected / inRange.size();
        return new IncidentMeasures(precision, recall, Timing.of(detection), Timing.of(reset));
    }

    static boolean overlaps(FiringInterval interval, Incident incident, Instant to) {
        Instant end = interval.end() == null ? to : interval.end();
        return incident.matchesLabels(interval.labels()) && interval.start().isBefore(incident.end())
                && end.isAfter(incident.start());
    }

    /** Seconds from {@code a} to {@code b}, 0 when {@code b} is not after {@code a}. */
    private static double seconds(Instant a, Instant b) {
        return b.isAfter(a) ? Duration.between(a, b).toMillis() / 1000.0 : 0.0;
    }
}
