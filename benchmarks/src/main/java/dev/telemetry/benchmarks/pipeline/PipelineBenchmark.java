package dev.telemetry.benchmarks.pipeline;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.faults.FaultStack;
import dev.telemetry.faults.Launcher;
import dev.telemetry.faults.LoadSettings;
import dev.telemetry.faults.ScenarioSettings;
import dev.telemetry.faults.ServiceProcess;
import dev.telemetry.faults.Windows;
import dev.telemetry.service.config.Durations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole pipeline as deployed — the broker, the gateway and the processor, each its own JVM started from its jar by
 * the fault scenarios' {@link FaultStack} — driven over HTTP at increasing rates, with the gateway alone and the
 * processor alone measured in the same run for comparison. In order:
 *
 * <ol>
 *   <li><b>Processor alone.</b> The processor is stopped, {@code --prefill} metric events (after
 *   {@code --prefill-warmup} more) are written straight to the raw topic, as {@code ProcessorBenchmark} does, and the
 *   processor is started onto that backlog; it is timed from the commit that covers the warm-up share to the commit
 *   that covers everything, and its and the broker's CPU time (from {@code /proc}) are divided by the events.</li>
 *   <li><b>Pipeline.</b> After {@code --warmup} of load at {@code --warmup-rate} (not counted), steps of
 *   {@code --step} at each of {@code --rates} in turn until one is not absorbed, then {@code --refine} bisections
 *   between the highest absorbed and the lowest not absorbed rate ({@link Absorption}: the gateway answered 202 to
 *   nearly all of the target, the processor's lag stayed bounded and did not grow). Then one more step at half the
 *   highest absorbed rate, whose windows give the latency from a window's end to its summary on the topic
 *   ({@link SummaryLatencies}). Each service's CPU per accepted event is read from {@code /proc} at each step's start
 *   and end.</li>
 *   <li><b>Gateway alone.</b> The processor is stopped, and {@code --gateway-clients} clients post as fast as the
 *   gateway answers, for one step after 10 s of settling.</li>
 * </ol>
 */
public final class PipelineBenchmark {

    static final String METRIC = "pipeline_ms";
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final Duration STALL = Duration.ofMinutes(2);

    private PipelineBenchmark() {
    }

    record Options(List<Integer> rates, int refine, Duration step, Duration warmup, int warmupRate, Windows windows,
                   int prefill, int prefillWarmup, int gatewayClients, int clients, int batch, int series, String heap,
                   Path repo, Path workDir, Absorption absorption, Duration drain, boolean keepData) {

        static final String USAGE = """
                usage: pipeline-benchmark.sh [options]
                  --rates <n,n,...>        target events/s, stepped up in this order until one is not absorbed
                                           (5000,10000,20000,40000,80000,160000)
                  --refine <n>             bisections between the highest absorbed and the lowest failed rate  (2)
                  --step <duration>        length of each measured step  (2m)
                  --warmup <duration>      load before the first step, not measured  (60s)
                  --warmup-rate <n>        its rate  (10000)
                  --windows <size/grace>   the processor's windows  (10s/2s; shipped: 1m/10s)
                  --prefill <n>            events the processor alone is timed over  (2000000)
                  --prefill-warmup <n>     events before them, not timed  (400000)
                  --gateway-clients <n>    clients of the gateway-alone measurement, unpaced  (16)
                  --clients <n>            clients of a paced step (0: rate / 2000, at least 4, at most 128)  (0)
                  --batch <n>              events per request  (100)
                  --series <n>             series of the metric  (100)
                  --heap <size>            -Xmx of each service  (512m)
                  --min-accepted <share>   absorbed: 202 for at least this share of the target events  (0.97)
                  --max-lag <duration>     absorbed: lag over the step's last quarter, in input time  (5s)
                  --max-lag-growth <share> absorbed: the lag's slope as a share of the rate  (0.03)
                  --drain <duration>       after a step not absorbed, wait at most this for the lag to go  (5m)
                  --repo <dir>             the checkout whose <module>/target/<module>.jar run  (.)
                  --work-dir <dir>         run directories: configs, logs  (benchmarks/target/pipeline-benchmark)
                  --keep-data              keep the broker's data and the processor's state afterwards
                """;

        static Options parse(String[] args) {
            Map<String, String> o = new HashMap<>();
            boolean keepData = false;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--keep-data")) {
                    keepData = true;
                } else if (arg.startsWith("--") && i + 1 < args.length && USAGE.contains("  " + arg + " ")) {
                    o.put(arg, args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown option or missing value: " + arg);
                }
            }
            List<Integer> rates = Arrays.stream(o.getOrDefault("--rates", "5000,10000,20000,40000,80000,160000")
                    .split(",")).map(String::trim).map(Integer::parseInt).toList();
            if (rates.isEmpty() || rates.stream().anyMatch(r -> r <= 0)) {
                throw new IllegalArgumentException("--rates must be positive numbers");
            }
            Absorption absorption = new Absorption(
                    Double.parseDouble(o.getOrDefault("--min-accepted", "0.97")), Absorption.DEFAULT.maxNon202(),
                    Durations.parse(o.getOrDefault("--max-lag", "5s")).toMillis() / 1000.0,
                    Double.parseDouble(o.getOrDefault("--max-lag-growth", "0.03")));
            return new Options(rates, Integer.parseInt(o.getOrDefault("--refine", "2")),
                    Durations.parse(o.getOrDefault("--step", "2m")), Durations.parse(o.getOrDefault("--warmup", "60s")),
                    Integer.parseInt(o.getOrDefault("--warmup-rate", "10000")),
                    Windows.parse(o.getOrDefault("--windows", "10s/2s")),
                    Integer.parseInt(o.getOrDefault("--prefill", "2000000")),
                    Integer.parseInt(o.getOrDefault("--prefill-warmup", "400000")),
                    Integer.parseInt(o.getOrDefault("--gateway-clients", "16")),
                    Integer.parseInt(o.getOrDefault("--clients", "0")),
                    Integer.parseInt(o.getOrDefault("--batch", "100")),
                    Integer.parseInt(o.getOrDefault("--series", "100")), o.getOrDefault("--heap", "512m"),
                    Path.of(o.getOrDefault("--repo", ".")),
                    Path.of(o.getOrDefault("--work-dir", "benchmarks/target/pipeline-benchmark")), absorption,
                    Durations.parse(o.getOrDefault("--drain", "5m")), keepData);
        }

        int clientsFor(int rate) {
            return clients > 0 ? clients : Math.max(4, Math.min(128, (int) Math.ceil(rate / 2000.0)));
        }
    }

    /** CPU time (µs) of each service and of this harness at one moment; -1 for a service not running. */
    record CpuAt(long gateway, long processor, long broker, long harness) {
        static CpuAt now(FaultStack stack) {
            return new CpuAt(cpu(stack.gateway()), cpu(stack.processor()), cpu(stack.broker()), ProcCpu.self());
        }

        private static long cpu(ServiceProcess service) {
            return service.isAlive() ? ProcCpu.micros(service.pid()) : -1;
        }

        /** µs per event between {@code start} and this, per process; NaN for one that did not run throughout. */
        double[] perEvent(CpuAt start, long events) {
            long[] a = {start.gateway, start.processor, start.broker, start.harness};
            long[] b = {gateway, processor, broker, harness};
            double[] out = new double[4];
            for (int i = 0; i < 4; i++) {
                out[i] = a[i] < 0 || b[i] < 0 || events == 0 ? Double.NaN : (double) (b[i] - a[i]) / events;
            }
            return out;
        }
    }

    /** One measured step of HTTP load. {@code verdict} is null where nothing is judged (gateway alone). */
    record Step(String phase, int rate, int clients, long fromMs, long toMs, double seconds, PacedLoad.Counts counts,
                double[] cpuPerEvent, Absorption.Verdict verdict, String loadAverage) {
        double eventsPerSecond() {
            return counts.events() / seconds;
        }

        boolean absorbed() {
            return verdict != null && verdict.absorbed();
        }
    }

    /** The processor alone over a pre-filled topic. */
    record ProcessorAlone(long events, double seconds, double processorCpu, double brokerCpu) {
        double eventsPerSecond() {
            return events / seconds;
        }
    }

    public static void main(String[] args) {
        // Before the first logger: the services' logback.xml files are on this classpath too, and not meant for it.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/telemetry/faults/cli-logback.xml");
        }
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println("pipeline-benchmark: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        try {
            run(options);
        } catch (Exception e) {
            System.err.println("pipeline-benchmark: the run failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static void run(Options options) throws Exception {
        String loadBefore = ProcCpu.loadAverage();
        ScenarioSettings settings = new ScenarioSettings(new Launcher(options.repo(), true, options.heap()),
                options.workDir(), options.windows(), LoadSettings.of(Duration.ofSeconds(1)), Duration.ofMinutes(2));
        log("starting the broker, the gateway and the processor from their jars (-Xmx%s each), windows %s",
                options.heap(), options.windows());
        List<Step> steps = new ArrayList<>();
        ProcessorAlone processorAlone;
        Step gatewayAlone;
        Step half = null;
        // Steps hold arrays, so they are told apart by identity.
        Map<Step, SummaryLatencies.Latency> latency = new IdentityHashMap<>();
        Path runDir;
        String topic = Topic.METRICS.defaultName();
        try (FaultStack stack = FaultStack.start(settings, "pipeline", false);
             LagProbe probe = new LagProbe(stack.bootstrapServers(), topic, stack.applicationId())) {
            runDir = stack.runDir();
            log("run directory (configs, logs): %s", runDir);

            processorAlone = processorAlone(stack, probe, options);

            try (SummaryLatencies summaries = new SummaryLatencies(stack.bootstrapServers(),
                    Topic.SUMMARIES.defaultName(), stack.app(), METRIC)) {
                log("pipeline warm-up: %s at %,d events/s (not counted)", Durations.format(options.warmup()),
                        options.warmupRate());
                steps.add(step(stack, probe, options, "warm-up", options.warmupRate(), options.warmup()));
                int best = 0;
                int failed = 0;
                for (int rate : options.rates()) {
                    Step s = step(stack, probe, options, "step", rate, options.step());
                    steps.add(s);
                    if (s.absorbed()) {
                        best = Math.max(best, rate);
                    } else {
                        failed = rate;
                        break;
                    }
                }
                for (int i = 0; i < options.refine() && best > 0 && failed > 0; i++) {
                    int mid = (int) (Math.round((best + failed) / 2000.0) * 1000);
                    if (mid <= best || mid >= failed) {
                        break;
                    }
                    drain(probe, options);
                    Step s = step(stack, probe, options, "refine", mid, options.step());
                    steps.add(s);
                    if (s.absorbed()) {
                        best = mid;
                    } else {
                        failed = mid;
                    }
                }
                if (best > 0) {
                    drain(probe, options);
                    half = step(stack, probe, options, "half", best / 2, options.step());
                    steps.add(half);
                } else {
                    log("no rate was absorbed: no latency step");
                }
                Duration last = options.windows().sizeAndGrace().plusSeconds(5);
                log("waiting %s for the last windows to close", Durations.format(last));
                Thread.sleep(last.toMillis());
                for (Step s : steps) {
                    SummaryLatencies.Latency l = summaries.between(s.fromMs(), s.toMs());
                    if (l != null) {
                        latency.put(s, l);
                    }
                }
            }

            log("gateway alone: the processor stopped; %d clients post as fast as they are answered (%s settling)",
                    options.gatewayClients(), Durations.format(SETTLE));
            stack.processor().stop();
            gatewayAlone = step(stack, null, options, "gateway alone", 0, options.step());
        }
        if (!options.keepData()) {
            FaultStack.deleteData(runDir);
        }
        String report = report(options, steps, latency, half, processorAlone, gatewayAlone, loadBefore,
                ProcCpu.loadAverage());
        System.out.println();
        System.out.print(report);
        Files.writeString(runDir.resolve("summary.md"), report);
        Files.writeString(options.workDir().resolve("summary.md"), report);
        System.out.println();
        System.out.println("logs and configs: " + runDir + " (summary.md there and in " + options.workDir() + ")");
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Processor alone

    private static ProcessorAlone processorAlone(FaultStack stack, LagProbe probe, Options options) throws Exception {
        log("processor alone: stopping the processor, writing %,d + %,d events to %s", options.prefillWarmup(),
                options.prefill(), Topic.METRICS.defaultName());
        stack.processor().stop();
        long base = probe.end();
        int total = options.prefillWarmup() + options.prefill();
        long started = System.nanoTime();
        prefill(stack.bootstrapServers(), stack.app(), total, options.series());
        log("  written in %.1f s; starting the processor onto the backlog", (System.nanoTime() - started) / 1e9);
        stack.restartProcessor();
        long warm = base + options.prefillWarmup();
        long end = base + total;
        long startNanos = 0;
        CpuAt startCpu = null;
        long startCommitted = 0;
        long lastCommitted = -1;
        long lastMove = System.nanoTime();
        while (true) {
            long committed = probe.committed();
            long now = System.nanoTime();
            if (committed != lastCommitted) {
                lastCommitted = committed;
                lastMove = now;
            } else if (now - lastMove > STALL.toNanos()) {
                throw new IllegalStateException("the processor committed nothing for " + STALL + " at " + committed
                        + " of " + end + "; " + stack.processorFailure());
            }
            if (startCpu == null && committed >= warm) {
                startCpu = CpuAt.now(stack);
                startNanos = now;
                startCommitted = committed;
            }
            if (startCpu != null && committed >= end) {
                CpuAt endCpu = CpuAt.now(stack);
                long events = committed - startCommitted;
                double[] cpu = endCpu.perEvent(startCpu, events);
                ProcessorAlone result = new ProcessorAlone(events, (now - startNanos) / 1e9, cpu[1], cpu[2]);
                log("  processor alone: %,d events in %.1f s: %,.0f events/s; CPU µs/event processor %.1f, broker %.1f",
                        events, result.seconds(), result.eventsPerSecond(), cpu[1], cpu[2]);
                return result;
            }
            Thread.sleep(200);
        }
    }

    /** Metric envelopes as the gateway writes them, event times spread over 10 minutes that end 2 minutes ago. */
    private static void prefill(String bootstrap, String app, int events, int series) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        long span = Duration.ofMinutes(10).toMillis();
        long from = System.currentTimeMillis() - span - Duration.ofMinutes(2).toMillis();
        try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(props, new StringSerializer(),
                JsonSerde.envelope().serializer())) {
            for (int i = 0; i < events; i++) {
                Instant at = Instant.ofEpochMilli(from + i * span / events);
                double value = 20 + (i * 7919L % 300) + (i % 100 == 0 ? 2000 : 0);
                MetricEvent metric = new MetricEvent(METRIC, value, at.toEpochMilli(), Map.of("series", "s" + (i % series)));
                Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(),
                        metric.eventType(), app, at, at, "127.0.0.1", "pipeline-benchmark", metric);
                producer.send(new ProducerRecord<>(Topic.METRICS.defaultName(), null, at.toEpochMilli(), envelope.key(),
                        envelope));
            }
            producer.flush();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Steps of HTTP load

    /**
     * One step: {@code rate} events/s (0: unpaced, {@code --gateway-clients} clients, after {@link #SETTLE}) for
     * {@code length}, the lag sampled every second when a probe is given, CPU read at both ends.
     */
    private static Step step(FaultStack stack, LagProbe probe, Options options, String phase, int rate,
                             Duration length) throws Exception {
        int clients = rate == 0 ? options.gatewayClients() : options.clientsFor(rate);
        if (rate > 0) {
            log("%s: %,d events/s, %d clients, %s", phase, rate, clients, Durations.format(length));
        }
        List<Stats.Point> lag = new ArrayList<>();
        PacedLoad.Counts c0;
        PacedLoad.Counts c1;
        CpuAt cpu0;
        CpuAt cpu1;
        long fromMs;
        long toMs;
        double seconds;
        try (PacedLoad load = PacedLoad.start(stack.gatewayUrl(), stack.key(), METRIC, options.batch(),
                options.series(), clients, rate)) {
            if (rate == 0) {
                Thread.sleep(SETTLE.toMillis());
            }
            fromMs = System.currentTimeMillis();
            long t0 = System.nanoTime();
            c0 = load.counts();
            cpu0 = CpuAt.now(stack);
            long end = t0 + length.toNanos();
            long next = t0;
            while (true) {
                next += 1_000_000_000L;
                long wait = Math.min(next, end) - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (System.nanoTime() >= end) {
                    break;
                }
                if (probe != null) {
                    long l = probe.lag();
                    if (l >= 0) {
                        lag.add(new Stats.Point((System.nanoTime() - t0) / 1e9, l));
                    }
                }
            }
            cpu1 = CpuAt.now(stack);
            c1 = load.counts();
            toMs = System.currentTimeMillis();
            seconds = (System.nanoTime() - t0) / 1e9;
        }
        PacedLoad.Counts counts = c1.minus(c0);
        double[] cpu = cpu1.perEvent(cpu0, counts.events());
        Absorption.Verdict verdict = rate == 0 ? null : options.absorption().judge(rate, seconds, counts.events(),
                counts.requests(), counts.non202(), lag, stack.processorFailure());
        Step step = new Step(phase, rate, clients, fromMs, toMs, seconds, counts, cpu, verdict, ProcCpu.loadAverage());
        log("  %,.0f events/s accepted, %d of %d requests not 202%s; CPU µs/event gateway %s, processor %s, broker %s,"
                        + " harness %s; load %s%s", step.eventsPerSecond(), counts.non202(), counts.requests(),
                verdict == null || verdict.lag() == null ? "" : String.format(Locale.ROOT,
                        "; lag end %.1f s, max %.1f s of input, growth %.1f %%", verdict.lag().endSeconds(),
                        verdict.lag().maxSeconds(), 100 * verdict.lag().growth()),
                us(cpu[0]), us(cpu[1]), us(cpu[2]), us(cpu[3]), step.loadAverage(),
                verdict == null ? "" : "; absorbed: " + verdict.describe());
        return step;
    }

    /** Waits, without load, until the processor's lag is under 1 000 events or {@code --drain} has passed. */
    private static void drain(LagProbe probe, Options options) throws InterruptedException {
        long started = System.nanoTime();
        long lag = probe.lag();
        long first = lag;
        while ((lag < 0 || lag > 1_000) && System.nanoTime() - started < options.drain().toNanos()) {
            Thread.sleep(1_000);
            lag = probe.lag();
        }
        if (first > 1_000) {
            log("  drained: lag %,d -> %,d events in %.0f s", first, lag, (System.nanoTime() - started) / 1e9);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Report

    static String report(Options options, List<Step> steps, Map<Step, SummaryLatencies.Latency> latency, Step half,
                         ProcessorAlone processorAlone, Step gatewayAlone, String loadBefore, String loadAfter) {
        StringBuilder out = new StringBuilder();
        Windows windows = options.windows();
        out.append(String.format(Locale.ROOT, "Pipeline benchmark: broker, gateway, processor from their jars (-Xmx%s"
                        + " each), %d cores, windows %s, steps of %s, batches of %d events over %d series; load average"
                        + " before %s, after %s%n%n", options.heap(), Runtime.getRuntime().availableProcessors(), windows,
                Durations.format(options.step()), options.batch(), options.series(), loadBefore, loadAfter));
        out.append("| phase | target events/s | clients | accepted events/s | not 202 | lag end / max (s of input)"
                + " | lag growth | summary latency p50 / p99 / max (s) | summaries (windows) | CPU µs/event gateway /"
                + " processor / broker / harness | load avg | absorbed |\n");
        out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
        List<Step> all = new ArrayList<>(steps);
        all.add(gatewayAlone);
        for (Step s : all) {
            Absorption.Lag lag = s.verdict() == null ? null : s.verdict().lag();
            SummaryLatencies.Latency l = latency.get(s);
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %,.0f | %d of %d | %s | %s | %s | %s | %s / %s / %s"
                            + " / %s | %s | %s |%n", s.phase(), s.rate() == 0 ? "unpaced" : String.format(Locale.ROOT,
                            "%,d", s.rate()), s.clients(), s.eventsPerSecond(), s.counts().non202(),
                    s.counts().requests(), lag == null ? "—" : String.format(Locale.ROOT, "%.1f / %.1f",
                            lag.endSeconds(), lag.maxSeconds()),
                    lag == null ? "—" : String.format(Locale.ROOT, "%.1f %%", 100 * lag.growth()),
                    l == null ? "—" : String.format(Locale.ROOT, "%.2f / %.2f / %.2f", l.p50(), l.p99(), l.max()),
                    l == null ? "—" : l.summaries() + " (" + l.windows() + ")",
                    us(s.cpuPerEvent()[0]), us(s.cpuPerEvent()[1]), us(s.cpuPerEvent()[2]), us(s.cpuPerEvent()[3]),
                    s.loadAverage(), s.verdict() == null ? "—" : s.verdict().describe()));
        }
        Step best = steps.stream().filter(s -> !s.phase().equals("warm-up") && !s.phase().equals("half"))
                .filter(Step::absorbed).max((a, b) -> Integer.compare(a.rate(), b.rate())).orElse(null);
        Step lowestFailed = steps.stream().filter(s -> !s.phase().equals("warm-up") && !s.phase().equals("half"))
                .filter(s -> !s.absorbed()).min((a, b) -> Integer.compare(a.rate(), b.rate())).orElse(null);
        double goal = windows.grace().toMillis() / 1000.0 + 2;
        out.append(String.format(Locale.ROOT, "%n| measurement | result |%n| --- | --- |%n"));
        out.append(String.format(Locale.ROOT, "| highest rate absorbed for %s (202 for ≥ %.0f %% of the target,"
                        + " lag ≤ %.0f s of input at the end, growth ≤ %.0f %% of the rate) | %s |%n",
                Durations.format(options.step()), 100 * options.absorption().minAccepted(),
                options.absorption().maxLagSeconds(), 100 * options.absorption().maxLagGrowth(),
                best == null ? "none" : String.format(Locale.ROOT, "**%,d events/s** (accepted %,.0f/s)", best.rate(),
                        best.eventsPerSecond())));
        if (lowestFailed != null) {
            out.append(String.format(Locale.ROOT, "| lowest rate not absorbed | %,d events/s: %s |%n",
                    lowestFailed.rate(), lowestFailed.verdict().describe().replaceFirst("^no: ", "")));
        }
        if (best != null) {
            out.append(String.format(Locale.ROOT, "| CPU per event at %,d events/s: gateway / processor / broker /"
                            + " harness (load generator, lag probe, summary reader) | %s / %s / %s / %s µs |%n",
                    best.rate(), us(best.cpuPerEvent()[0]), us(best.cpuPerEvent()[1]), us(best.cpuPerEvent()[2]),
                    us(best.cpuPerEvent()[3])));
        }
        SummaryLatencies.Latency l = half == null ? null : latency.get(half);
        if (half != null) {
            out.append(String.format(Locale.ROOT, "| summary latency (window end → on the topic, read_committed) at"
                            + " half that rate, %,d events/s: p50 / p99 | %s |%n", half.rate(), l == null
                            ? "no window wholly inside the step"
                            : String.format(Locale.ROOT, "%.2f / **%.2f s** (max %.2f s; %d summaries in %d windows)",
                            l.p50(), l.p99(), l.max(), l.summaries(), l.windows())));
            out.append(String.format(Locale.ROOT, "| goal: p99 ≤ grace + 2 s = %.0f s (windows %s) | %s |%n", goal,
                    windows, l == null ? "not measured" : l.p99() <= goal ? "met" : "**not met**"));
            out.append(String.format(Locale.ROOT, "| half-rate step absorbed | %s |%n", half.verdict().describe()));
        }
        out.append(String.format(Locale.ROOT, "| gateway alone (broker + gateway, no processor; %d clients, unpaced)"
                        + " | %,.0f events/s; CPU µs/event gateway %s, broker %s; %d of %d requests not 202 |%n",
                gatewayAlone.clients(), gatewayAlone.eventsPerSecond(), us(gatewayAlone.cpuPerEvent()[0]),
                us(gatewayAlone.cpuPerEvent()[2]), gatewayAlone.counts().non202(), gatewayAlone.counts().requests()));
        out.append(String.format(Locale.ROOT, "| processor alone (pre-filled topic: %,d events timed after %,d)"
                        + " | %,.0f events/s; CPU µs/event processor %.1f, broker %.1f |%n", processorAlone.events(),
                options.prefillWarmup(), processorAlone.eventsPerSecond(), processorAlone.processorCpu(),
                processorAlone.brokerCpu()));
        if (best != null) {
            out.append(String.format(Locale.ROOT, "| highest absorbed ÷ gateway alone, ÷ processor alone | %.2f, %.2f |%n",
                    best.rate() / gatewayAlone.eventsPerSecond(), best.rate() / processorAlone.eventsPerSecond()));
        }
        return out.toString();
    }

    private static String us(double micros) {
        return Double.isNaN(micros) ? "—" : String.format(Locale.ROOT, "%.1f", micros);
    }

    private static void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), String.format(Locale.ROOT, format, args));
    }
}
