package dev.telemetry.rulelab.backtest;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.processor.intake.Decoded;
import dev.telemetry.processor.rules.AlertFingerprint;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.rules.Operator;
import dev.telemetry.processor.slo.BurnRateAlerts;
import dev.telemetry.processor.slo.spec.BurnRateAlert;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.rulelab.replay.LabSettings;
import dev.telemetry.rulelab.replay.Replay;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One backtest: envelopes of history, in the order they were appended, through a {@link Replay} of the production
 * topology with a rule file's rules and windows; out come, per rule, the firing intervals, the notifications the
 * sink would have been given (firing and resolved records), the time spent firing and the flaps.
 */
public final class Backtest implements AutoCloseable {

    /** One firing interval of one alert: from its firing record to its resolved one ({@code end} null: still firing). */
    public record FiringInterval(String fingerprint, Instant start, Instant end, Map<String, String> labels,
                                 double peak) {
    }

    /** What one rule would have done over the range. */
    public record RuleReport(String rule, List<FiringInterval> firing, int notifications, long firingSeconds,
                             int flaps) {
    }

    /**
     * How a rule's intervals are listed: by start, then end (still firing last), then fingerprint: a total order, so
     * that the report does not depend on the order in which intervals closed, nor on how apps were spread over
     * threads ({@link ParallelBacktest}).
     */
    static final Comparator<FiringInterval> INTERVAL_ORDER = Comparator.comparing(FiringInterval::start)
            .thenComparing(FiringInterval::end, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(FiringInterval::fingerprint);

    private final LabSettings settings;
    private final Instant from;
    private final Instant to;
    private final Duration flapWithin;
    private final Replay replay;
    private final Map<String, AlertRule> rules = new LinkedHashMap<>();
    private final Map<String, Open> open = new HashMap<>();
    private final Map<String, List<FiringInterval>> closed = new LinkedHashMap<>();
    private final Map<String, Integer> notifications = new HashMap<>();
    private final Map<String, Instant> lastResolved = new HashMap<>();
    private final Map<String, Integer> flaps = new HashMap<>();
    private long events;

    private static final class Open {
        final String rule;
        final Instant start;
        final Map<String, String> labels;
        double peak;

        Open(String rule, Instant start, Map<String, String> labels, double peak) {
            this.rule = rule;
            this.start = start;
            this.labels = labels;
            this.peak = peak;
        }
    }

    /**
     * @param flapWithin an alert that fires again within this long after it resolved counts as a flap
     */
    public Backtest(LabSettings settings, Instant from, Instant to, Duration flapWithin) {
        this.settings = settings;
        this.from = from;
        this.to = to;
        this.flapWithin = flapWithin;
        settings.rules().forEach(r -> {
            rules.put(r.name(), r);
            closed.put(r.name(), new ArrayList<>());
        });
        // Each burn-rate alert (long/short window pair) of each SLO is reported as a rule of its own.
        for (Slo slo : settings.slos()) {
            for (BurnRateAlert alert : slo.alerts()) {
                closed.put(sloReportName(slo.name(), alert.longWindowName(), alert.shortWindowName()),
                        new ArrayList<>());
            }
        }
        this.replay = new Replay(settings, runStart(settings, from));
        replay.onSummary(this::summary);
        replay.onSloAlert(event -> transition(event, sloReportName(event.labels().get("slo"),
                event.labels().get("long_window"), event.labels().get("short_window")), true));
    }

    /** Where a run's wall clock starts: at the window boundary at or before {@code from}, as a processor started then would align. */
    static Instant runStart(LabSettings settings, Instant from) {
        long size = settings.windowSize().toMillis();
        return Instant.ofEpochMilli(from.toEpochMilli() - Math.floorMod(from.toEpochMilli(), size));
    }

    /**
     * The name an SLO's burn-rate alert is reported under, {@code slo_burn_rate:<slo>:<long>/<short>}, e.g.
     * {@code slo_burn_rate:checkout-availability:1h/5m}.
     */
    public static String sloReportName(String slo, String longWindow, String shortWindow) {
        return BurnRateAlerts.ALERT_NAME + ":" + slo + ":" + longWindow + "/" + shortWindow;
    }

    /** One envelope, as appended at {@code appendedAt} (its record's timestamp). */
    public void accept(Envelope envelope, Instant appendedAt) {
        replay.send(envelope, appendedAt);
        events++;
        // After every record: a window's summary and the alert record it caused are seen together, in that order.
        transitions();
    }

    /**
     * One record of the raw topic {@code topic} as read from Kafka, appended at {@code appendedAt}: the topology
     * decodes it, as live ({@link Replay#send(Topic, byte[], byte[], Instant)}).
     */
    public void accept(Topic topic, byte[] key, byte[] value, Instant appendedAt) {
        accept(topic, key, value, null, appendedAt);
    }

    /**
     * As {@link #accept(Topic, byte[], byte[], Instant)}, the value decoded already, on another thread, by the
     * topology's own function ({@link Replay#send(Topic, byte[], byte[], Decoded, Instant)}).
     *
     * @param decoded null: none, the topology decodes the value
     */
    void accept(Topic topic, byte[] key, byte[] value, Decoded decoded, Instant appendedAt) {
        replay.send(topic, key, value, decoded, appendedAt);
        events++;
        transitions();
    }

    /**
     * The wall clock moves on to {@code at} (never back) without a record of this run's own: what another app's
     * record did to the one driver all apps shared before the replay ran apps in parallel
     * ({@link ParallelBacktest}). Due punctuations run, and what they wrote is taken as after a record.
     */
    void tick(Instant at) {
        replay.advanceTo(at);
        transitions();
    }

    /** Records the topology could not decode or process (skipped, as live); complete after {@link #finish()}. */
    public long undecodable() {
        return replay.deadLetters();
    }

    public long events() {
        return events;
    }

    /**
     * The report: the wall clock moves on to {@code to} (so windows closed by then are evaluated, as live), and the
     * intervals still firing then are reported open.
     */
    public List<RuleReport> finish() {
        replay.advanceTo(to);
        replay.drainOutputs();
        transitions();
        List<RuleReport> reports = new ArrayList<>();
        for (String rule : closed.keySet()) {
            List<FiringInterval> intervals = new ArrayList<>(closed.get(rule));
            open.forEach((fingerprint, o) -> {
                if (o.rule.equals(rule)) {
                    intervals.add(new FiringInterval(fingerprint, o.start, null, o.labels, o.peak));
                }
            });
            intervals.sort(INTERVAL_ORDER);
            long seconds = 0;
            for (FiringInterval i : intervals) {
                Instant start = i.start().isBefore(from) ? from : i.start();
                Instant end = i.end() == null || i.end().isAfter(to) ? to : i.end();
                if (end.isAfter(start)) {
                    seconds += Duration.between(start, end).toSeconds();
                }
            }
            reports.add(new RuleReport(rule, List.copyOf(intervals), notifications.getOrDefault(rule, 0), seconds,
                    flaps.getOrDefault(rule, 0)));
        }
        return reports;
    }

    private void transitions() {
        for (AlertEvent event : replay.drainTransitions()) {
            transition(event, event.rule(), false);
        }
    }

    /**
     * One alert record of the report {@code report}. A rule's peak comes from the windows' summaries
     * ({@link #summary}); an SLO alert's is the long window's burn rate of its firing or resolved record, whichever
     * is higher (its windows' burn rates are not followed in between).
     */
    private void transition(AlertEvent event, String report, boolean slo) {
        if (event.status() == AlertStatus.PENDING) {
            return;
        }
        if (!closed.containsKey(report)) {
            return;
        }
        notifications.merge(report, 1, Integer::sum);
        if (event.status() == AlertStatus.FIRING) {
            Instant last = lastResolved.get(event.fingerprint());
            if (last != null && !event.evaluatedAt().isAfter(last.plus(flapWithin))) {
                flaps.merge(report, 1, Integer::sum);
            }
            open.put(event.fingerprint(), new Open(report, event.evaluatedAt(), event.labels(), event.value()));
        } else {
            Open o = open.remove(event.fingerprint());
            lastResolved.put(event.fingerprint(), event.evaluatedAt());
            if (o != null) {
                double peak = slo ? Math.max(o.peak, event.value()) : o.peak;
                closed.get(o.rule).add(new FiringInterval(event.fingerprint(), o.start, event.evaluatedAt(),
                        o.labels, peak));
            }
        }
    }

    /** A closed window: the peak of every firing alert it belongs to. */
    private void summary(Summary summary) {
        if (open.isEmpty()) {
            return;
        }
        for (AlertRule rule : rules.values()) {
            if (!rule.matches(summary)) {
                continue;
            }
            Open o = open.get(AlertFingerprint.of(rule.name(), summary.app(), summary.series()));
            if (o != null) {
                double value = rule.stat().of(summary);
                boolean lower = rule.operator() == Operator.LT || rule.operator() == Operator.LTE;
                o.peak = lower ? Math.min(o.peak, value) : Math.max(o.peak, value);
            }
        }
    }

    /**
     * The reports of one rule set's backtests over disjoint sets of apps, as one backtest over all of them reports:
     * per rule, every app's intervals ({@link #INTERVAL_ORDER}) and the sums of the counts. Every list holds the
     * same rules in the same order (one rule set's).
     */
    static List<RuleReport> merge(List<List<RuleReport>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<RuleReport> merged = new ArrayList<>();
        for (int i = 0; i < parts.get(0).size(); i++) {
            String rule = parts.get(0).get(i).rule();
            List<FiringInterval> firing = new ArrayList<>();
            int notifications = 0;
            long firingSeconds = 0;
            int flaps = 0;
            for (List<RuleReport> part : parts) {
                RuleReport r = part.get(i);
                if (!r.rule().equals(rule)) {
                    throw new IllegalStateException("reports of different rule sets: " + r.rule() + " and " + rule);
                }
                firing.addAll(r.firing());
                notifications += r.notifications();
                firingSeconds += r.firingSeconds();
                flaps += r.flaps();
            }
            firing.sort(INTERVAL_ORDER);
            merged.add(new RuleReport(rule, List.copyOf(firing), notifications, firingSeconds, flaps));
        }
        return merged;
    }

    public LabSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        replay.close();
    }
}
