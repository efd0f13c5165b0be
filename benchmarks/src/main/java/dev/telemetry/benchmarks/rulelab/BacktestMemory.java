package dev.telemetry.benchmarks.rulelab;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.rulelab.backtest.Backtest;
import dev.telemetry.rulelab.replay.LabSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Whether a backtest's memory stays bounded over a week of history (issue 17): a week of synthetic traffic — request
 * logs of two apps on five endpoints with a slow hour every six hours and a 503 burst every day (so the shipped
 * rules and the SLOs fire and resolve), an app metric and LCP vitals — fed straight to {@link Backtest} (the
 * engine {@code ./telemetry backtest} runs; the reader in front of it is a streaming consumer), with the shipped
 * rules and two SLOs of 30 days. At the end of every simulated day it prints the heap in use after a full
 * collection. The SLOs' rings grow by design until they cover their period (one entry per SLO, app and window: ~1 MB a
 * day here, up to 30 days); everything else should stay flat — {@code no-slos} as a third argument shows it.
 * Usage: {@code BacktestMemory [days] [step-ms] [no-slos]} (default 7 and 2000: ~1 M events).
 */
public final class BacktestMemory {

    private static final Instant START = Instant.parse("2026-11-01T00:00:00Z");
    private static final List<String> APPS = List.of("shop", "blog");
    private static final List<String> ENDPOINTS = List.of("/api/checkout", "/api/cart", "/api/products", "/", "/login");

    private BacktestMemory() {
    }

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        long stepMillis = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        Path dir = Files.createTempDirectory("backtest-memory");
        Path file = Files.writeString(dir.resolve("processor.yaml"), String.join("\n",
                "slos:",
                "  - {name: checkout-availability, objective: 99.9, period: 30d, sli: {type: availability, endpoint: /api/checkout}}",
                "  - {name: checkout-latency, objective: 99, period: 30d, sli: {type: latency, endpoint: /api/checkout, threshold: 1s}}",
                ""));
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
        boolean slos = !(args.length > 2 && args[2].equals("no-slos"));
        LabSettings settings = slos ? LabSettings.rulesOf(config).withSlos(config.slos()) : LabSettings.rulesOf(config);
        Instant end = START.plus(Duration.ofDays(days));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf(Locale.ROOT, "a backtest over %d days, an event batch every %d ms (%s .. %s), shipped rules%s%n",
                days, stepMillis, START, end, slos ? " + 2 SLOs of 30 days" : ", no SLOs");
        System.out.printf(Locale.ROOT, "%-5s %12s %14s %12s%n", "day", "events", "heap after GC", "events/s");
        long events = 0;
        long started = System.nanoTime();
        try (Backtest backtest = new Backtest(settings, START, end, Duration.ofMinutes(15))) {
            Instant nextDay = START.plus(Duration.ofDays(1));
            int day = 1;
            for (long t = START.toEpochMilli(); t < end.toEpochMilli(); t += stepMillis) {
                Instant at = Instant.ofEpochMilli(t);
                long i = (t - START.toEpochMilli()) / stepMillis;
                for (Envelope e : batch(at, i)) {
                    backtest.accept(e, at);
                    events++;
                }
                if (!at.plusMillis(stepMillis).isBefore(nextDay)) {
                    System.gc();
                    System.gc();
                    double mb = memory.getHeapMemoryUsage().getUsed() / 1024.0 / 1024.0;
                    double seconds = (System.nanoTime() - started) / 1e9;
                    System.out.printf(Locale.ROOT, "%-5d %,12d %11.1f MB %,12.0f%n", day, events, mb, events / seconds);
                    day++;
                    nextDay = nextDay.plus(Duration.ofDays(1));
                }
            }
            List<Backtest.RuleReport> reports = backtest.finish();
            long intervals = reports.stream().mapToLong(r -> r.firing().size()).sum();
            System.out.printf(Locale.ROOT, "rules reported: %d, firing intervals: %d, notifications: %d%n", reports.size(),
                    intervals, reports.stream().mapToLong(Backtest.RuleReport::notifications).sum());
        }
    }

    /** What the site sends in one step: a request per app (endpoints in turn), a metric and, every fifth step, a vital. */
    private static List<Envelope> batch(Instant at, long i) {
        long hourOfDay = at.getEpochSecond() / 3600 % 24;
        boolean slowHour = hourOfDay % 6 == 3;
        boolean errorBurst = hourOfDay == 14 && at.getEpochSecond() / 60 % 60 < 10;
        List<Envelope> out = new java.util.ArrayList<>(5);
        for (String app : APPS) {
            String endpoint = ENDPOINTS.get((int) (i % ENDPOINTS.size()));
            int status = errorBurst && app.equals("shop") ? 503 : (i % 97 == 0 ? 404 : 200);
            double duration = (slowHour ? 2500 : 120) + (i * 7919 % 200);
            RequestEvent request = new RequestEvent("198.51.100." + (i % 50), "GET", endpoint, status, duration, "agent",
                    null, null, at.toEpochMilli());
            out.add(envelope(app, request, at));
        }
        out.add(envelope("shop", new MetricEvent("api_latency_ms", 50 + i * 7919 % 400, at.toEpochMilli(),
                Map.of("endpoint", "/api/e" + (i % 20))), at));
        if (i % 5 == 0) {
            VitalEvent lcp = new VitalEvent("LCP", slowHour ? 4200 : 1800, "v1-" + i, "navigate", slowHour ? "poor" : "good",
                    null, "/p" + (i % 10), null, at.toEpochMilli());
            out.add(envelope("shop", lcp, at));
        }
        return out;
    }

    private static Envelope envelope(String app, dev.telemetry.events.TelemetryEvent event, Instant at) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, at, at, "203.0.113.9",
                "bench", event);
    }
}
