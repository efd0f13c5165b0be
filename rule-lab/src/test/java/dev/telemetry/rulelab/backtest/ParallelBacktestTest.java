package dev.telemetry.rulelab.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import dev.telemetry.rulelab.replay.LabSettings;
import dev.telemetry.rulelab.unit.RuleTestParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apps replayed in parallel ({@link ParallelBacktest}, no broker: history handed over as HistoryReader would): the
 * same report, to the byte, for any number of threads, and the same as one run of all apps on one driver; what a
 * worker throws fails the run.
 */
class ParallelBacktestTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");
    private static final Instant TO = T0.plus(Duration.ofMinutes(30));
    private static final Duration FLAP = Duration.ofMinutes(15);
    private static final String REQUESTS = TopicCatalogue.defaults().name(Topic.REQUESTS);

    @TempDir
    Path dir;

    /** One record of history, as HistoryReader hands it on. */
    private record Raw(Topic topic, byte[] key, byte[] value, Instant at) {
    }

    @Test
    void shouldReportTheSameWithOneThreadWithFourAndOnOneDriver() throws Exception {
        // Given: a rules file with a rule and an SLO of no app (every app's), a stricter one to compare with, and
        // six apps' requests (one starts late, one goes quiet, one sends a record that is no envelope)
        List<LabSettings> ruleSets = List.of(settings(dir.resolve("rules.yaml"), ""),
                settings(dir.resolve("stricter.yaml"), "    duration: 2\n"));
        List<Raw> history = history();

        // When
        List<List<RuleReport>> single = new ArrayList<>();
        long singleUndecodable = 0;
        for (LabSettings settings : ruleSets) {
            try (Backtest one = new Backtest(settings, T0, TO, FLAP)) {
                history.forEach(r -> one.accept(r.topic(), r.key(), r.value(), r.at()));
                single.add(one.finish());
                singleUndecodable = one.undecodable();
            }
        }
        ParallelBacktest.Result oneThread = parallel(ruleSets, history, 1);
        ParallelBacktest.Result fourThreads = parallel(ruleSets, history, 4);
        // Values decoded by the router for every record, or for none (by default, only while few workers are busy)
        ParallelBacktest.Result predecoded = parallel(ruleSets, history, 4, ParallelBacktest.Predecode.ALWAYS);
        ParallelBacktest.Result undecoded = parallel(ruleSets, history, 1, ParallelBacktest.Predecode.NEVER);

        // Then: several apps fire, some at the same times (ordered by fingerprint), and every way says the same
        List<RuleReport> reports = oneThread.reports().get(0);
        assertThat(reports).extracting(RuleReport::rule).containsExactly("checkout_slow",
                "slo_burn_rate:checkout-latency:1h/5m", "slo_burn_rate:checkout-latency:6h/30m",
                "slo_burn_rate:checkout-latency:3d/6h");
        assertThat(reports.get(0).firing()).hasSizeGreaterThan(6)
                .extracting(i -> i.labels().get("app")).contains("a0", "a1", "a2", "a3", "a4", "a5");
        assertThat(reports.get(0).firing()).isSortedAccordingTo(Backtest.INTERVAL_ORDER);
        assertThat(reports.get(1).firing()).isNotEmpty();
        assertThat(reports.get(0).firing()).filteredOn(i -> i.labels().get("app").equals("q")).first()
                .satisfies(i -> assertThat(i.peak()).isEqualTo(4000));
        assertThat(json(fourThreads.reports())).isEqualTo(json(oneThread.reports()));
        assertThat(json(oneThread.reports())).isEqualTo(json(single));
        assertThat(fourThreads.reports()).isEqualTo(oneThread.reports());
        assertThat(json(predecoded.reports())).isEqualTo(json(oneThread.reports()));
        assertThat(json(undecoded.reports())).isEqualTo(json(oneThread.reports()));
        assertThat(oneThread.undecodable()).isEqualTo(1).isEqualTo(fourThreads.undecodable())
                .isEqualTo(singleUndecodable).isEqualTo(predecoded.undecodable()).isEqualTo(undecoded.undecodable());
    }

    @Test
    void shouldFailTheRunWithWhatAWorkerThrew() throws Exception {
        List<LabSettings> ruleSets = List.of(settings(dir.resolve("rules.yaml"), ""));
        List<Raw> history = history();
        IllegalStateException boom = new IllegalStateException("boom");

        assertThatThrownBy(() -> {
            try (ParallelBacktest backtest = new ParallelBacktest(ruleSets, T0, TO, FLAP, 4, (settings, app) -> {
                if (app.equals("a2")) {
                    throw boom;
                }
                return new Backtest(settings, T0, TO, FLAP);
            })) {
                history.forEach(r -> backtest.accept(r.topic(), r.key(), r.value(), r.at()));
                backtest.finish();
            }
        }).isSameAs(boom);
    }

    @Test
    @Timeout(120)
    void shouldStopItsThreadsWhenClosedUnfinished() throws Exception {
        // A run stopped half-way (the console's time limit, a failed read): close() stops the workers and returns
        List<LabSettings> ruleSets = List.of(settings(dir.resolve("rules.yaml"), ""));
        List<Raw> history = history();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ParallelBacktest backtest = new ParallelBacktest(ruleSets, T0, TO, FLAP, 4)) {
            history.subList(0, history.size() / 2).forEach(r -> backtest.accept(r.topic(), r.key(), r.value(), r.at()));
        }
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(t -> !before.contains(t))
                .noneMatch(t -> t.getName().startsWith("telemetry-backtest-replay-"));
    }

    @Test
    void shouldNameTheAppOfARecordAsTheTopologyDoes() {
        assertThat(ParallelBacktest.appOf("shop|/api/checkout".getBytes(StandardCharsets.UTF_8))).isEqualTo("shop");
        assertThat(ParallelBacktest.appOf("shop".getBytes(StandardCharsets.UTF_8))).isEqualTo("shop");
        assertThat(ParallelBacktest.appOf(null)).isEqualTo("unknown");
        assertThat(ParallelBacktest.appOf("|x".getBytes(StandardCharsets.UTF_8))).isEqualTo("unknown");
    }

    private static ParallelBacktest.Result parallel(List<LabSettings> ruleSets, List<Raw> history, int threads) {
        return parallel(ruleSets, history, threads, ParallelBacktest.Predecode.WHILE_FEW_WORKERS_BUSY);
    }

    private static ParallelBacktest.Result parallel(List<LabSettings> ruleSets, List<Raw> history, int threads,
                                                    ParallelBacktest.Predecode predecode) {
        try (ParallelBacktest backtest = new ParallelBacktest(ruleSets, T0, TO, FLAP, threads, null, predecode)) {
            history.forEach(r -> backtest.accept(r.topic(), r.key(), r.value(), r.at()));
            return backtest.finish();
        }
    }

    private static String json(List<List<RuleReport>> reports) {
        StringBuilder out = new StringBuilder();
        for (List<RuleReport> ruleSet : reports) {
            for (RuleReport r : ruleSet) {
                out.append(ReportFormat.json(r, null)).append('\n');
            }
        }
        return out.toString();
    }

    private LabSettings settings(Path file, String ruleExtra) throws Exception {
        Files.writeString(file, """
                windows: {size: 1m, grace: 10s}
                rules:
                  - name: checkout_slow
                    metric: response_time
                    labels: {endpoint: /api/checkout}
                    stat: p95
                    operator: gt
                    threshold: 1000
                    severity: high
                """ + ruleExtra + """
                slos:
                  - name: checkout-latency
                    objective: 99
                    sli: {type: latency, endpoint: /api/checkout, threshold: 1s}
                """);
        return BacktestMain.settingsOf(RuleTestParser.loadRulesFile(file));
    }

    /**
     * Six apps' checkout requests every 2 s for 30 minutes, each app a little later and with events a little older
     * than the one before; app i slow in minutes 4(i mod 3)+1 to 4(i mod 3)+4, and every app in minutes 20 and 21
     * (intervals that start together). a3 starts at minute 10, a4 goes quiet at minute 15 (its windows close by the
     * wall clock alone), a5 sends one record that is no envelope; and q (below).
     */
    private static List<Raw> history() {
        List<Raw> history = new ArrayList<>();
        for (int app = 0; app < 6; app++) {
            String name = "a" + app;
            int slowFrom = 4 * (app % 3) + 1;
            for (int s = app == 3 ? 600 : 0; s < (app == 4 ? 900 : 1800); s += 2) {
                Instant at = T0.plusSeconds(s).plusMillis(300L * app);
                int minute = s / 60;
                boolean slow = (minute >= slowFrom && minute < slowFrom + 3) || minute == 20 || minute == 21;
                Envelope e = request(name, slow ? 2500 : 200, at.minusMillis(400L * app), at);
                history.add(new Raw(Topic.REQUESTS, e.key().getBytes(StandardCharsets.UTF_8),
                        JsonSerde.envelope().serializer().serialize(REQUESTS, e), at));
            }
        }
        // q: slow in minute 5, slower once at 6:05, quiet until minute 9: its windows 5 and 6 close by the wall clock
        // that the other apps' records move, one after the other, so the alert is open when window 6's summary comes
        // (peak 4000); were q's clock moved by its own records alone, both would close at 9:00 together, the summary
        // before the alert (peak 2500).
        for (int s = 300; s < 1800; s += 2) {
            if (s >= 360 && s < 540 && s != 364) {
                continue;
            }
            Instant at = T0.plusSeconds(s).plusMillis(700);
            Envelope e = request("q", s < 360 ? 2500 : s == 364 ? 4000 : 200, at, at);
            history.add(new Raw(Topic.REQUESTS, e.key().getBytes(StandardCharsets.UTF_8),
                    JsonSerde.envelope().serializer().serialize(REQUESTS, e), at));
        }
        history.add(new Raw(Topic.REQUESTS, "a5|x".getBytes(StandardCharsets.UTF_8),
                "not json".getBytes(StandardCharsets.UTF_8), T0.plusSeconds(61)));
        // As the reader merges them: by append time (stable: ties in the order sent).
        history.sort(Comparator.comparing(Raw::at));
        return history;
    }

    private static Envelope request(String app, double durationMs, Instant eventTime, Instant receivedAt) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, receivedAt, eventTime,
                "203.0.113.9", "agent", new RequestEvent("198.51.100.1", "GET", "/api/checkout", 200, durationMs,
                "agent", null, null, eventTime.toEpochMilli()));
    }
}
