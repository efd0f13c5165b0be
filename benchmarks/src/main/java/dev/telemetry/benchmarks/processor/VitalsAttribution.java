package dev.telemetry.benchmarks.processor;

import dev.telemetry.benchmarks.processor.ProcessorBenchmark.Options;
import dev.telemetry.benchmarks.processor.ProcessorBenchmark.Rate;
import dev.telemetry.benchmarks.processor.ProcessorBenchmark.TopologyPass;
import dev.telemetry.benchmarks.vitals.WebVitals;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import dev.telemetry.processor.window.SeriesObservations;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ProcessorBenchmark --mix vitals-attribution} (issue 19): in one run on one local broker, the production
 * topology and the plain consumer over two workloads of web vitals of the same count, apps and pages, on two vitals
 * topics: <b>plain</b> vitals and <b>attribution-bearing</b> ones (the same vitals with the attribution the gateway
 * keeps, a form factor and a connection: {@link WebVitals}, read with the gateway's own {@link VitalEvent#read}, so
 * the topic holds what the gateway writes). The attribution-bearing vitals make the topology do what plain ones do
 * not: the LCP and INP parts per page, and the LCP, INP and CLS series per page and form factor through the repartition topic
 * {@code <app-id>-vitals-by-page-repartition} with the Core Web Vitals assessment at each window's close.
 *
 * <p>Each pass is the benchmark's own ({@link ProcessorBenchmark#plainConsumer}, {@link ProcessorBenchmark#topology}:
 * the first {@code --warmup} events of the topic are not timed, a topology pass ends at the commit covering the raw
 * topic and every repartition topic, the vitals-by-page one included). Per round: the plain consumer on both
 * workloads, then the topology on both, each a fresh application; the order alternates from round to round
 * (plain first, then attribution first, ...), and the reported rates are the means over the rounds.
 *
 * <p>Workload: vitals LCP, INP, CLS, FCP, TTFB in turn, of 4 apps on {@value WebVitals#PAGES_PER_APP} pages each,
 * event times spread over 10 minutes ending 2 minutes before the run (every window closes once the backlog is read).
 */
final class VitalsAttribution {

    private static final List<String> APPS = List.of("shop", "blog", "docs", "bench");
    /** Distinct vitals per workload; event i is vital i % POOL with its own event id and time. */
    private static final int POOL = 1000;
    private static final String USER_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36"
            + " (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

    private VitalsAttribution() {
    }

    /** Runs the mix; deletes {@code dir} afterwards (the two workloads and their passes take gigabytes at full size). */
    static void run(Options options, Path dir, String loadBefore) throws Exception {
        try {
            measure(options, dir, loadBefore);
        } finally {
            try (var paths = java.nio.file.Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void measure(Options options, Path dir, String loadBefore) throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start()) {
            int total = options.warmup() + options.events();
            Map<String, String> topics = new LinkedHashMap<>();
            topics.put("plain", "bench-vitals-plain-" + UUID.randomUUID());
            topics.put("attribution", "bench-vitals-attribution-" + UUID.randomUUID());
            for (String topic : topics.values()) {
                broker.createTopic(topic, options.partitions(), Map.of());
            }
            produce(broker.bootstrapServers(), topics.get("plain"), total, WebVitals::plain);
            produce(broker.bootstrapServers(), topics.get("attribution"), total, WebVitals::withAttribution);
            int threads = options.threads().get(0);

            Map<String, List<Rate>> consumer = new LinkedHashMap<>();
            Map<String, List<Rate>> topology = new LinkedHashMap<>();
            for (String kind : topics.keySet()) {
                consumer.put(kind, new ArrayList<>());
                topology.put(kind, new ArrayList<>());
            }
            for (int round = 0; round < options.rounds(); round++) {
                List<String> order = round % 2 == 0 ? List.of("plain", "attribution") : List.of("attribution", "plain");
                for (String kind : order) {
                    Rate rate = ProcessorBenchmark.plainConsumer(broker.bootstrapServers(), List.of(topics.get(kind)),
                            options.warmup(), total);
                    consumer.get(kind).add(rate);
                    ProcessorBenchmark.print(String.format(Locale.ROOT, "round %d, plain consumer, %-12s",
                            round + 1, kind + ":"), rate);
                }
                for (String kind : order) {
                    TopologyPass pass = ProcessorBenchmark.topology(broker, dir, Map.of(Topic.VITALS, topics.get(kind)),
                            options, threads, total);
                    topology.get(kind).add(pass.rate());
                    ProcessorBenchmark.print(String.format(Locale.ROOT, "round %d, topology,       %-12s",
                            round + 1, kind + ":"), pass.rate());
                    System.out.printf(Locale.ROOT, "  repartition topics, end offsets (records and transaction"
                            + " markers): %s%s%n", pass.repartitioned(), check(kind, pass, total));
                }
            }

            System.out.printf(Locale.ROOT, "events: %,d timed after %,d warm-up per workload, mix: vitals-attribution"
                            + " (LCP/INP/CLS/FCP/TTFB of %d apps on %d pages each; attribution ones with formFactor and"
                            + " connection), partitions: %d, commit interval: %s, threads: %s, rounds: %d%s%n",
                    options.events(), options.warmup(), APPS.size(), WebVitals.PAGES_PER_APP, options.partitions(),
                    options.commitInterval(), threads > 0 ? threads : "default", options.rounds(),
                    options.streams().isEmpty() ? "" : ", streams: " + options.streams());
            System.out.printf(Locale.ROOT, "load average before: %s, after: %s (%d cores)%n", loadBefore,
                    ProcessorBenchmark.loadAverage(), Runtime.getRuntime().availableProcessors());
            Rate consumerPlain = mean(consumer.get("plain"));
            Rate consumerAttribution = mean(consumer.get("attribution"));
            Rate topologyPlain = mean(topology.get("plain"));
            Rate topologyAttribution = mean(topology.get("attribution"));
            String n = "(mean of " + options.rounds() + ")";
            ProcessorBenchmark.print("plain consumer, plain vitals       " + n + ":", consumerPlain);
            ProcessorBenchmark.print("plain consumer, attribution vitals " + n + ":", consumerAttribution);
            ProcessorBenchmark.print("topology, plain vitals             " + n + ":", topologyPlain);
            ProcessorBenchmark.print("topology, attribution vitals       " + n + ":", topologyAttribution);
            double ratioPlain = topologyPlain.eventsPerSecond() / consumerPlain.eventsPerSecond();
            double ratioAttribution = topologyAttribution.eventsPerSecond() / consumerAttribution.eventsPerSecond();
            System.out.printf(Locale.ROOT, "ratio topology / plain consumer, plain vitals:        %.2f%n", ratioPlain);
            System.out.printf(Locale.ROOT, "ratio topology / plain consumer, attribution vitals:  %.2f"
                            + " (against the consumer of plain vitals: %.2f)%n", ratioAttribution,
                    topologyAttribution.eventsPerSecond() / consumerPlain.eventsPerSecond());
            double drop = 1 - topologyAttribution.eventsPerSecond() / topologyPlain.eventsPerSecond();
            System.out.printf(Locale.ROOT, "attribution / plain: topology %.2f events/s (%+.0f %% drop%s), ratio %.2f,"
                            + " plain consumer %.2f, topology CPU per event (process) %.2f%n",
                    1 - drop, drop * 100, drop > 0.10 ? ", more than 10 %: needs a reason" : "",
                    ratioAttribution / ratioPlain,
                    consumerAttribution.eventsPerSecond() / consumerPlain.eventsPerSecond(),
                    topologyAttribution.processCpuMicros() / topologyPlain.processCpuMicros());
        }
    }

    /**
     * Whether the pass did the attribution work: every attribution-bearing vital names a page and a form factor, so
     * its pass must have written at least one record per LCP, INP and CLS (the vitals cycle through
     * {@link WebVitals#NAMES}) to vitals-by-page; a plain pass none.
     */
    private static String check(String kind, TopologyPass pass, int total) {
        long byPage = pass.repartitioned().getOrDefault("vitals-by-page-repartition", 0L);
        long assessed = WebVitals.NAMES.stream().filter(SeriesObservations.ASSESSED::contains).count();
        long expected = total * assessed / WebVitals.NAMES.size();
        boolean ok = kind.equals("plain") ? byPage == 0 : byPage >= expected;
        return ok ? "" : String.format(Locale.ROOT, " (CHECK FAILED: vitals-by-page-repartition should hold %s)",
                kind.equals("plain") ? "nothing" : "at least " + expected + " records");
    }

    private static Rate mean(List<Rate> rates) {
        return new Rate(rates.stream().mapToDouble(Rate::eventsPerSecond).average().orElseThrow(),
                rates.stream().mapToDouble(Rate::seconds).average().orElseThrow(),
                rates.stream().mapToDouble(Rate::processCpuMicros).average().orElseThrow(),
                rates.stream().mapToDouble(Rate::readerCpuMicros).average().orElseThrow());
    }

    /** {@code events} vitals on {@code topic}, keyed as the gateway keys them (app|vital). */
    private static void produce(String bootstrap, String topic, int events, IntFunction<com.fasterxml.jackson.databind
            .node.ObjectNode> form) throws Exception {
        List<VitalEvent> pool = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            pool.add(WebVitals.read(form.apply(i)));
        }
        Instant[] span = ProcessorBenchmark.workloadTimes();
        try (KafkaProducer<String, Envelope> producer = ProcessorBenchmark.workloadProducer(bootstrap)) {
            for (int i = 0; i < events; i++) {
                Instant at = ProcessorBenchmark.workloadTime(span, i, events);
                Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null,
                        APPS.get(i % APPS.size()), at, at, "203.0.113.9", USER_AGENT, pool.get(i % POOL));
                producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), envelope.key(), envelope));
            }
            producer.flush();
        }
    }
}
