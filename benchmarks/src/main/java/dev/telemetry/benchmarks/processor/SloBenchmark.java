package dev.telemetry.benchmarks.processor;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.derived.SloReport;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.processor.slo.SloObservations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The stream processor with ten SLOs configured against none (issue 16, "Speed"), in one run on one local broker:
 * the same workload on the same topics goes through the production topology (the shipped {@code processor.yaml}:
 * exactly_once_v2, 1-minute windows, the shipped rules) once per configuration, each pass a fresh application
 * (own id, state and output topics) in the same JVM. It prints both rates and their ratio; the target is 0.9.
 *
 * <p><b>Workload.</b> 70 % request logs of two apps on 20 endpoints from 2 000 clients (1 % server errors, 2 % 404,
 * latencies with a tail) and 30 % metrics (an endpoint latency and the {@code payments_ok} / {@code payments_total}
 * counters), spread over 10 minutes ending 2 minutes before the workload was written. Every SLO counts some of it:
 * availability and latency SLOs over every endpoint, single endpoints and one app, and a ratio SLO over the
 * payment counters, so a request log counts towards 2 to 5 SLOs. No SLO count is dropped as late: while a pass
 * reads the backlog its windows stay open (they close by the wall clock only as far as the input is read).
 *
 * <p><b>Steady state.</b> A warm-up pass per configuration runs first, over a separate, smaller copy of the
 * workload (JIT, page cache, broker), and is not counted. Unless {@code --events} is given, the timed workload is
 * sized from the warm-up's slower rate so that a timed pass lasts at least {@code --min-seconds} (request logs go
 * through far more of the topology than the metric events of {@link ProcessorBenchmark}, so a fixed count would
 * be seconds on one machine and many minutes on another). A pass is timed from its first commit to the commit that
 * covers every event of the raw topics <em>and</em> of its repartition topics (the SLO counts travel through one,
 * so stopping at the raw topics would leave part of the SLO work out). The order of the two configurations
 * alternates from round to round (none/ten, ten/none, ...), and the ratio is that of the mean rates.
 *
 * <p>After each pass with SLOs (not timed) it checks that the SLO path did the work: the latest report of every
 * SLO and app must count exactly the workload's events for it (computed here with {@link SloObservations}).
 *
 * <p>Usage: {@code SloBenchmark [--events N] [--min-seconds 40] [--warmup 50000] [--partitions 3] [--rounds 2]
 * [--commit-interval 1s]}; {@code SLO_BENCH_PROGRESS=1} prints a pass's progress every 5 s to stderr.
 */
public final class SloBenchmark {

    /** The ten SLOs of the timed pass, over the workload's endpoints, apps and payment counters. */
    static final String TEN_SLOS = """
            slos:
              - {name: all-availability, objective: 99.9, sli: {type: availability}}
              - {name: all-latency, objective: 99, sli: {type: latency, threshold: 1s}}
              - {name: checkout-availability, objective: 99.9, sli: {type: availability, endpoint: /api/e0}}
              - {name: checkout-latency, objective: 99, sli: {type: latency, endpoint: /api/e0, threshold: 300ms}}
              - {name: cart-availability, objective: 99.5, period: 7d, sli: {type: availability, endpoint: /api/e1}}
              - {name: cart-latency, objective: 95, period: 7d,
                 sli: {type: latency, endpoint: /api/e1, threshold: 500ms}}
              - {name: search-availability, app: shop, objective: 99, sli: {type: availability, endpoint: /api/e2}}
              - {name: search-latency, app: shop, objective: 90, period: 28d,
                 sli: {type: latency, endpoint: /api/e2, threshold: 200ms}}
              - {name: shop-availability, app: shop, objective: 99.5, period: 7d, sli: {type: availability}}
              - {name: payments, objective: 99.5, sli: {type: ratio, good: payments_ok, total: payments_total}}
            """;

    private static final Duration SPAN = Duration.ofMinutes(10);
    static final int IPS = Integer.getInteger("slo.bench.ips", 2_000);
    /** {@code SLO_BENCH_PROGRESS=1}: every 5 s, how far a pass is (to stderr). */
    private static final boolean PROGRESS = System.getenv("SLO_BENCH_PROGRESS") != null;

    private SloBenchmark() {
    }

    private record Options(int events, int warmup, int partitions, int rounds, String commitInterval,
                           int minSeconds) {
        static Options parse(String[] args) {
            int events = 0;
            int warmup = 50_000;
            int partitions = 3;
            int rounds = 2;
            String commitInterval = "1s";
            int minSeconds = 40;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--events" -> events = Integer.parseInt(value);
                    case "--warmup" -> warmup = Integer.parseInt(value);
                    case "--partitions" -> partitions = Integer.parseInt(value);
                    case "--rounds" -> rounds = Integer.parseInt(value);
                    case "--commit-interval" -> commitInterval = value;
                    case "--min-seconds" -> minSeconds = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("usage: SloBenchmark [--events N (default: sized)]"
                            + " [--min-seconds 40] [--warmup 50000] [--partitions 3] [--rounds 2]"
                            + " [--commit-interval 1s]; unknown: " + args[i]);
                }
                i++;
            }
            return new Options(events, warmup, partitions, rounds, commitInterval, minSeconds);
        }
    }

    /** One copy of the workload: its two raw topics and, per SLO series, the counts it must end with. */
    private record Workload(String requests, String metrics, int events, Map<String, double[]> expected,
                            long sloCounts) {
    }

    private record Pass(double rate, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path dir = Files.createTempDirectory("slo-benchmark");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start()) {
            String bootstrap = broker.bootstrapServers();
            SloObservations observations = new SloObservations(slosOf(dir, bootstrap));
            Workload warm = workload(broker, "warm", options.warmup(), options.partitions(), observations);
            Pass warmNone = pass(broker, dir, warm, "", options, false);
            Pass warmTen = pass(broker, dir, warm, TEN_SLOS, options, true);
            System.out.printf(Locale.ROOT, "warm-up (%,d events, not counted): no SLOs %,.0f events/s, ten SLOs"
                    + " %,.0f events/s%n", options.warmup(), warmNone.rate(), warmTen.rate());
            // Sized from the (colder, so slower) warm-up: each timed pass lasts at least --min-seconds.
            int events = options.events() > 0 ? options.events()
                    : (int) Math.max(options.warmup(), Math.ceil(Math.min(warmNone.rate(), warmTen.rate())
                            * options.minSeconds() / 10_000.0) * 10_000);
            Workload main = workload(broker, "main", events, options.partitions(), observations);
            System.out.printf(Locale.ROOT, "workload: %,d events%s (70 %% request logs of 2 apps on 20 endpoints"
                            + " from %,d clients, 30 %% metrics), %d partitions, commit interval %s, %d round(s)%n",
                    events, options.events() > 0 ? "" : " (sized for >= " + options.minSeconds() + " s a pass)",
                    IPS, options.partitions(), options.commitInterval(), options.rounds());

            List<Double> none = new ArrayList<>();
            List<Double> ten = new ArrayList<>();
            int n = 0;
            for (int round = 0; round < options.rounds(); round++) {
                for (boolean withSlos : round % 2 == 0 ? new boolean[] {false, true} : new boolean[] {true, false}) {
                    Pass pass = pass(broker, dir, main, withSlos ? TEN_SLOS : "", options, true);
                    (withSlos ? ten : none).add(pass.rate());
                    System.out.printf(Locale.ROOT, "pass %d, %-9s %,10.0f events/s (%.1f s)%s%n", ++n,
                            withSlos ? "ten SLOs:" : "no SLOs:", pass.rate(), pass.seconds(),
                            withSlos ? String.format(Locale.ROOT, "; %,d SLO counts (%.2f per event)",
                                    main.sloCounts(), (double) main.sloCounts() / main.events()) : "");
                }
            }
            double noneMean = none.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            double tenMean = ten.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
            System.out.printf(Locale.ROOT, "no SLOs:  %,10.0f events/s (mean of %d)%n", noneMean, none.size());
            System.out.printf(Locale.ROOT, "ten SLOs: %,10.0f events/s (mean of %d)%n", tenMean, ten.size());
            System.out.printf(Locale.ROOT, "ratio ten SLOs / none: %.2f (target >= 0.9)%n", tenMean / noneMean);
        }
    }

    /** The ten SLOs as the processor loads them. */
    private static List<dev.telemetry.processor.slo.spec.Slo> slosOf(Path dir, String bootstrap) throws Exception {
        Path file = Files.writeString(dir.resolve("slos.yaml"), "kafka: {bootstrap-servers: \"" + bootstrap + "\"}\n"
                + TEN_SLOS);
        return ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of()).settings().slos();
    }

    private static Workload workload(LocalKafkaBroker broker, String name, int events, int partitions,
                                     SloObservations observations) throws Exception {
        String requests = "bench-requests-" + name + "-" + UUID.randomUUID();
        String metrics = "bench-metrics-" + name + "-" + UUID.randomUUID();
        broker.createTopic(requests, partitions, Map.of());
        broker.createTopic(metrics, partitions, Map.of());
        Map<String, double[]> expected = new HashMap<>();
        long sloCounts = 0;
        // Ending 2 minutes ago: every window is closable (1 minute + 10 s grace) once a pass has read the backlog,
        // so the reports to check come at once.
        Instant from = Instant.ofEpochMilli(System.currentTimeMillis()).minus(SPAN).minus(Duration.ofMinutes(2));
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(props, new StringSerializer(),
                JsonSerde.envelope().serializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                Instant at = from.plusMillis(i * SPAN.toMillis() / events);
                Envelope envelope = event(i, at);
                for (var count : observations.of(envelope)) {
                    sloCounts++;
                    double[] sum = expected.computeIfAbsent(count.key, k -> new double[2]);
                    sum[0] += count.value.good();
                    sum[1] += count.value.total();
                }
                String topic = envelope.event() instanceof RequestEvent ? requests : metrics;
                sent.add(producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), envelope.key(), envelope)));
                if (sent.size() == 10_000) {
                    for (var future : sent) {
                        future.get();
                    }
                    sent.clear();
                }
            }
            producer.flush();
            for (var future : sent) {
                future.get();
            }
        }
        return new Workload(requests, metrics, events, expected, sloCounts);
    }

    /** Event {@code i} of the workload: 7 of 10 request logs, 3 of 10 metrics. */
    static Envelope event(int i, Instant at) {
        String app = i % 4 == 0 ? "shop" : "bench";
        if (i % 10 < 7) {
            int status = i % 100 == 0 ? 503 : i % 50 == 1 ? 404 : 200;
            double duration = 20 + (i * 7919L % 400) * (i % 50 == 0 ? 10 : 1);
            int client = i % IPS;
            String ip = "10.0." + (client / 256) + "." + (client % 256);
            RequestEvent request = new RequestEvent(ip, i % 5 == 0 ? "POST" : "GET", "/api/e" + (i % 20), status,
                    duration, "Mozilla/5.0 (X11; Linux x86_64) bench", null, null, at.toEpochMilli());
            return envelope(app, at, ip, request);
        }
        MetricEvent metric = switch (i % 3) {
            case 0 -> new MetricEvent("api_latency_ms", 50 + (i * 7919L % 1000), at.toEpochMilli(),
                    Map.of("endpoint", "/api/e" + (i % 20)));
            case 1 -> new MetricEvent("payments_total", 1, at.toEpochMilli(), Map.of());
            default -> new MetricEvent("payments_ok", i % 200 == 2 ? 0 : 1, at.toEpochMilli(), Map.of());
        };
        return envelope(app, at, "203.0.113.9", metric);
    }

    private static Envelope envelope(String app, Instant at, String ip, dev.telemetry.events.TelemetryEvent event) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, at, at, ip, "bench",
                event);
    }

    /**
     * Runs the workload through a fresh processor with {@code slos} (YAML, empty for none) and times it; with
     * {@code check}, then (untimed) compares its SLO reports with the workload's expected counts.
     */
    private static Pass pass(LocalKafkaBroker broker, Path dir, Workload workload, String slos, Options options,
                             boolean check) throws Exception {
        String id = "bench-" + UUID.randomUUID();
        Map<String, String> topics = new LinkedHashMap<>();
        topics.put(Topic.REQUESTS.configKey(), workload.requests());
        topics.put(Topic.METRICS.configKey(), workload.metrics());
        for (Topic t : List.of(Topic.VITALS, Topic.ACTIONS, Topic.SYNTHETIC, Topic.ERRORS, Topic.SECURITY, Topic.FEEDBACK,
                Topic.AUDIT, Topic.SUMMARIES, Topic.RATELIMIT, Topic.ALERTS, Topic.SLO, Topic.VITALS_ATTRIBUTION, Topic.PROCESSOR_DLQ)) {
            String name = id + "-" + t.configKey();
            broker.createTopic(name, 1, Map.of());
            topics.put(t.configKey(), name);
        }
        StringBuilder yaml = new StringBuilder()
                .append("kafka: {bootstrap-servers: \"").append(broker.bootstrapServers()).append("\"}\n")
                .append("application-id: ").append(id).append('\n')
                .append("state-dir: \"").append(dir.resolve("state-" + id)).append("\"\n")
                .append("http: {host: 127.0.0.1, port: 0}\n")
                .append("commit-interval: ").append(options.commitInterval()).append('\n')
                .append("topics:\n");
        topics.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        yaml.append(slos);
        Path file = Files.writeString(dir.resolve(id + ".yaml"), yaml);
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
        Set<String> raw = Set.of(workload.requests(), workload.metrics());
        try (StreamProcessor processor = StreamProcessor.start(config);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            while (processor.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            long start = 0;
            long committedAtStart = 0;
            long lastDebug = 0;
            while (true) {
                Map<TopicPartition, Long> committed = committed(admin, id);
                long rawCommitted = committed.entrySet().stream().filter(e -> raw.contains(e.getKey().topic()))
                        .mapToLong(Map.Entry::getValue).sum();
                if (start == 0 && rawCommitted > 0) {
                    // Counted from the first commit: startup and group join are not throughput.
                    start = System.nanoTime();
                    committedAtStart = rawCommitted;
                }
                if (PROGRESS && System.nanoTime() - lastDebug > 5_000_000_000L) {
                    lastDebug = System.nanoTime();
                    System.err.println("progress: " + rawCommitted + " of " + workload.events() + " raw events committed;"
                            + " repartition topics (committed/end): " + lag(admin, id, committed));
                }
                if (start != 0 && rawCommitted >= workload.events() && repartitionsDone(admin, id, committed)) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (check && !slos.isEmpty()) {
                        checkReports(broker.bootstrapServers(), topics.get(Topic.SLO.configKey()), workload);
                    }
                    return new Pass((workload.events() - committedAtStart) / seconds, seconds);
                }
                Thread.sleep(20);
            }
        }
    }

    /** Whether the application has committed every repartition topic of its own up to its (committed) end. */
    private static boolean repartitionsDone(Admin admin, String id, Map<TopicPartition, Long> committed)
            throws Exception {
        Set<String> internal = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(id + "-") && t.endsWith("-repartition")).collect(Collectors.toSet());
        return endOffsets(admin, internal).entrySet().stream()
                .allMatch(e -> e.getValue() == 0 || committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
    }

    private static String lag(Admin admin, String id, Map<TopicPartition, Long> committed) throws Exception {
        Set<String> internal = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(id + "-") && t.endsWith("-repartition")).collect(Collectors.toSet());
        StringBuilder out = new StringBuilder();
        endOffsets(admin, internal).forEach((p, end) -> out.append(p.topic().substring(id.length() + 1))
                .append('-').append(p.partition()).append('=').append(committed.getOrDefault(p, -1L)).append('/')
                .append(end).append(' '));
        return out.toString();
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, Set<String> topics) throws Exception {
        if (topics.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get().values().forEach(d -> d.partitions()
                .forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((p, info) -> ends.put(p, info.offset()));
        return ends;
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((p, o) -> {
            if (o != null) {
                out.put(p, o.offset());
            }
        });
        return out;
    }

    /**
     * Reads the pass's SLO reports until the latest one of every SLO and app counts the workload's events for it
     * (or 60 s pass), and says whether they match: proof that the timed SLO path counted every event once.
     */
    private static void checkReports(String bootstrap, String topic, Workload workload) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-slo-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, SloReport> latest = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (KafkaConsumer<String, SloReport> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                JsonSerde.sloReport().deserializer())) {
            consumer.subscribe(List.of(topic));
            while (!matches(latest, workload.expected()) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SloReport> record : consumer.poll(Duration.ofMillis(200))) {
                    SloReport report = record.value();
                    latest.merge(SloObservations.key(report.slo(), report.app()), report,
                            (a, b) -> b.windowStart().isAfter(a.windowStart()) ? b : a);
                }
            }
        }
        long wrong = workload.expected().entrySet().stream()
                .filter(e -> !matches(latest.get(e.getKey()), e.getValue())).count();
        System.out.printf(Locale.ROOT, "  SLO reports: %d of %d SLO/app series report exactly the workload's"
                + " good/total%s%n", workload.expected().size() - wrong, workload.expected().size(),
                wrong == 0 ? "" : " (CHECK FAILED: the SLO path missed or doubled events)");
    }

    private static boolean matches(Map<String, SloReport> latest, Map<String, double[]> expected) {
        return expected.entrySet().stream().allMatch(e -> matches(latest.get(e.getKey()), e.getValue()));
    }

    private static boolean matches(SloReport report, double[] expected) {
        return report != null && Math.abs(report.periodGood() - expected[0]) < 1e-6
                && Math.abs(report.periodTotal() - expected[1]) < 1e-6;
    }
}
