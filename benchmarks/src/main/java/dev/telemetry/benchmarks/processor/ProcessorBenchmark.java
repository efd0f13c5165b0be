package dev.telemetry.benchmarks.processor;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
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
 * The stream processor's throughput against its baseline, in one run on one local broker: the same events on the
 * same topics are read (1) by a plain consumer that only parses the JSON envelopes and (2) by the production
 * topology under exactly_once_v2 (windows, DDSketch percentiles, rules, rate limit, shipped configuration). It
 * prints both steady-state rates, the CPU each spent per event, and their ratio.
 *
 * <p><b>Steady state.</b> The topics hold {@code --warmup} events followed by the {@code events} that are timed.
 * Each reader is timed only over the second part: the plain consumer from its {@code warmup}-th record to its
 * last, the topology from its first commit that covers at least {@code warmup} events to the commit that covers
 * every event of the raw topics <em>and</em> of its repartition topics (the app's error rate, the SLO counts and
 * the detectors' offenses travel through them, so stopping at the raw topics would leave part of the work out).
 * JIT compilation, the group join, the first RocksDB and broker segment files all fall into the warm-up.
 *
 * <p><b>Mix.</b> {@code metrics}: custom metrics in 20 series (the original benchmark); {@code requests}: request
 * logs of two apps on 20 endpoints from 2 000 clients; {@code slo}: 70 % request logs, 30 % metrics, the workload
 * of {@link SloBenchmark}. Metrics go to the metrics topic, request logs to the requests topic, both with
 * {@code partitions} partitions; the event times span 10 minutes ending 2 minutes before the run.
 * {@code vitals-attribution} (issue 19): plain web vitals and attribution-bearing ones (with form factor), each
 * workload {@code warmup + events} vitals on its own vitals topic, both read by the plain consumer and the topology
 * in one run, {@code --rounds} rounds (default 2) in alternating order; see {@link VitalsAttribution}.
 *
 * <p>Usage: {@code ProcessorBenchmark [events (6000000)] [partitions (3)] [commit-interval (1s)]
 * [--mix metrics|requests|slo|vitals-attribution] [--warmup N (events / 5, at least 100000)] [--threads N[,N...]
 * (the shipped default; a list runs one topology pass per value, in that order, against the same consumer run;
 * vitals-attribution uses the first)] [--rounds N (vitals-attribution only, default 2)] [--streams key=value]...}.
 * {@code PROCESSOR_BENCH_PROGRESS=1} prints the topology's progress every 5 s to stderr.
 */
public final class ProcessorBenchmark {

    private static final Duration SPAN = Duration.ofMinutes(10);
    private static final boolean PROGRESS = System.getenv("PROCESSOR_BENCH_PROGRESS") != null;

    private ProcessorBenchmark() {
    }

    enum Mix { METRICS, REQUESTS, SLO, VITALS_ATTRIBUTION }

    record Options(int events, int partitions, String commitInterval, Mix mix, int warmup, List<Integer> threads,
                   Map<String, String> streams, int rounds) {
        static Options parse(String[] args) {
            List<String> positional = new ArrayList<>();
            Mix mix = Mix.METRICS;
            int warmup = -1;
            List<Integer> threads = new ArrayList<>();
            Map<String, String> streams = new LinkedHashMap<>();
            int rounds = 2;
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--mix" -> {
                        mix = Mix.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
                        i++;
                    }
                    case "--rounds" -> {
                        rounds = Integer.parseInt(value);
                        i++;
                    }
                    case "--warmup" -> {
                        warmup = Integer.parseInt(value);
                        i++;
                    }
                    case "--threads" -> {
                        for (String n : value.split(",")) {
                            threads.add(Integer.parseInt(n.trim()));
                        }
                        i++;
                    }
                    case "--streams" -> {
                        int eq = value.indexOf('=');
                        streams.put(value.substring(0, eq), value.substring(eq + 1));
                        i++;
                    }
                    default -> {
                        if (args[i].startsWith("--")) {
                            throw new IllegalArgumentException("usage: ProcessorBenchmark [events] [partitions]"
                                    + " [commit-interval] [--mix metrics|requests|slo|vitals-attribution] [--warmup N]"
                                    + " [--threads N[,N...]] [--rounds N (vitals-attribution)] [--streams key=value]...;"
                                    + " unknown: " + args[i]);
                        }
                        positional.add(args[i]);
                    }
                }
            }
            // Six million: with two stream threads the topology reads two million in about 6 s, which on two cores is
            // still mostly the JIT's tiering (0.60-0.70 against 0.78-0.80 at six million, docs/performance.md).
            int events = positional.size() > 0 ? Integer.parseInt(positional.get(0)) : 6_000_000;
            int partitions = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 3;
            String commitInterval = positional.size() > 2 ? positional.get(2) : "1s";
            return new Options(events, partitions, commitInterval, mix,
                    warmup >= 0 ? warmup : Math.max(100_000, events / 5), threads.isEmpty() ? List.of(0) : threads,
                    streams, rounds);
        }
    }

    /** A rate and the CPU time spent per event: by the whole process (broker included) and by the reader's threads. */
    record Rate(double eventsPerSecond, double seconds, double processCpuMicros, double readerCpuMicros) {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Path dir = Files.createTempDirectory("processor-benchmark");
        String loadBefore = loadAverage();
        if (options.mix() == Mix.VITALS_ATTRIBUTION) {
            VitalsAttribution.run(options, dir, loadBefore);
            return;
        }
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start()) {
            String metrics = "bench-metrics-" + UUID.randomUUID();
            String requests = "bench-requests-" + UUID.randomUUID();
            broker.createTopic(metrics, options.partitions(), Map.of());
            broker.createTopic(requests, options.partitions(), Map.of());
            int total = options.warmup() + options.events();
            produce(broker.bootstrapServers(), metrics, requests, total, options.mix());

            Rate baseline = plainConsumer(broker.bootstrapServers(), List.of(metrics, requests), options.warmup(), total);
            // One topology pass per --threads value, each a fresh application, in the order given (A/B in one run).
            List<Rate> topologies = new ArrayList<>();
            for (int threads : options.threads()) {
                topologies.add(topology(broker, dir, Map.of(Topic.METRICS, metrics, Topic.REQUESTS, requests), options,
                        threads, total).rate());
            }

            System.out.printf(Locale.ROOT, "events: %,d timed after %,d warm-up, mix: %s, partitions: %d, commit"
                            + " interval: %s%s%n", options.events(), options.warmup(),
                    options.mix().name().toLowerCase(Locale.ROOT), options.partitions(), options.commitInterval(),
                    options.streams().isEmpty() ? "" : ", streams: " + options.streams());
            System.out.printf(Locale.ROOT, "load average before: %s, after: %s (%d cores)%n", loadBefore,
                    loadAverage(), Runtime.getRuntime().availableProcessors());
            print("plain consumer (parse JSON only):", baseline);
            for (int i = 0; i < topologies.size(); i++) {
                int threads = options.threads().get(i);
                Rate topology = topologies.get(i);
                print(String.format(Locale.ROOT, "topology, exactly_once_v2, %-7s", threads > 0
                        ? threads + " thr:" : "default:"), topology);
                System.out.printf(Locale.ROOT, "ratio topology / consumer:        %.2f (CPU per event, process: %.2f)%n",
                        topology.eventsPerSecond() / baseline.eventsPerSecond(),
                        topology.processCpuMicros() / baseline.processCpuMicros());
            }
        }
    }

    static void print(String label, Rate rate) {
        System.out.printf(Locale.ROOT, "%s %,9.0f events/s (%.1f s); CPU per event: %.1f µs process, %.1f µs reader"
                + " threads%n", label, rate.eventsPerSecond(), rate.seconds(), rate.processCpuMicros(),
                rate.readerCpuMicros());
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** The events' producer: batched for throughput (the workload is written before anything is timed). */
    static KafkaProducer<String, Envelope> workloadProducer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(props, new StringSerializer(), JsonSerde.envelope().serializer());
    }

    /**
     * The span of a workload's times: events spread evenly over {@link #SPAN}, ending 2 minutes ago, so nothing is
     * late for the wall clock and every window closes once the backlog is read.
     */
    static Instant[] workloadTimes() {
        Instant from = Instant.ofEpochMilli(System.currentTimeMillis()).minus(SPAN).minus(Duration.ofMinutes(2));
        return new Instant[] {from, from.plus(SPAN)};
    }

    /** Event {@code i} of {@code events} spread over {@code [span[0], span[1])} ({@link #workloadTimes}). */
    static Instant workloadTime(Instant[] span, int i, int events) {
        return span[0].plusMillis(i * Duration.between(span[0], span[1]).toMillis() / events);
    }

    private static void produce(String bootstrap, String metrics, String requests, int events, Mix mix)
            throws Exception {
        Instant[] span = workloadTimes();
        try (KafkaProducer<String, Envelope> producer = workloadProducer(bootstrap)) {
            for (int i = 0; i < events; i++) {
                Instant at = workloadTime(span, i, events);
                Envelope envelope = switch (mix) {
                    case METRICS -> metric(i, at);
                    // SloBenchmark's event i is a request log when i % 10 < 7.
                    case REQUESTS -> SloBenchmark.event((i / 7) * 10 + i % 7, at);
                    case SLO -> SloBenchmark.event(i, at);
                    case VITALS_ATTRIBUTION -> throw new IllegalStateException("produced by VitalsAttribution");
                };
                String topic = envelope.event() instanceof RequestEvent ? requests : metrics;
                producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), envelope.key(), envelope));
            }
            producer.flush();
        }
    }

    /** 20 series, latencies with a tail: the shape of real custom metrics. */
    private static Envelope metric(int i, Instant at) {
        double value = 50 + (i * 7919L % 1000) * ((i % 100 == 0) ? 10 : 1);
        MetricEvent metric = new MetricEvent("api_latency_ms", value, at.toEpochMilli(),
                Map.of("endpoint", "/api/e" + (i % 20)));
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "bench", at, at,
                "203.0.113.9", "bench", metric);
    }

    /** A consumer that polls and parses every envelope, timed from its {@code warmup}-th record to its last. */
    static Rate plainConsumer(String bootstrap, List<String> topics, int warmup, int total) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-consumer-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, Envelope> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                JsonSerde.envelope().deserializer())) {
            consumer.subscribe(topics);
            long read = 0;
            Cpu start = null;
            long readAtStart = 0;
            while (read < total) {
                for (ConsumerRecord<String, Envelope> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() != null) {
                        read++;
                    }
                }
                if (start == null && read >= warmup) {
                    start = Cpu.now(name -> name.equals(Thread.currentThread().getName())
                            || name.startsWith("kafka-consumer-network-thread"));
                    readAtStart = read;
                }
            }
            return start.rateTo(read - readAtStart);
        }
    }

    /** A topology pass: its rate, and how many records each of its repartition topics received (by name suffix). */
    record TopologyPass(Rate rate, Map<String, Long> repartitioned) {
    }

    /**
     * The production topology reading {@code inputs} (the other topics are its own, fresh), timed from its first
     * commit that covers at least {@code warmup} raw events to the commit that covers every raw event and everything
     * its repartition topics received.
     */
    static TopologyPass topology(LocalKafkaBroker broker, Path dir, Map<Topic, String> inputs, Options options,
                                 int threads, int total) throws Exception {
        String id = "bench-" + UUID.randomUUID();
        Map<String, String> topics = new LinkedHashMap<>();
        inputs.forEach((t, name) -> topics.put(t.configKey(), name));
        for (Topic t : List.of(Topic.METRICS, Topic.REQUESTS, Topic.VITALS, Topic.ACTIONS, Topic.SYNTHETIC, Topic.ERRORS,
                Topic.SECURITY, Topic.FEEDBACK, Topic.AUDIT, Topic.SUMMARIES, Topic.RATELIMIT, Topic.ALERTS, Topic.SLO,
                Topic.VITALS_ATTRIBUTION, Topic.PROCESSOR_DLQ)) {
            if (inputs.containsKey(t)) {
                continue;
            }
            String name = id + "-" + t.configKey();
            broker.createTopic(name, 1, Map.of());
            topics.put(t.configKey(), name);
        }
        StringBuilder yaml = new StringBuilder()
                .append("kafka: {bootstrap-servers: \"").append(broker.bootstrapServers()).append("\"}\n")
                .append("application-id: ").append(id).append('\n')
                .append("state-dir: \"").append(dir.resolve("state-" + id)).append("\"\n")
                .append("http: {host: 127.0.0.1, port: 0}\n")
                .append("commit-interval: ").append(options.commitInterval()).append('\n');
        if (threads > 0) {
            yaml.append("num-stream-threads: ").append(threads).append('\n');
        }
        if (!options.streams().isEmpty()) {
            yaml.append("streams:\n");
            options.streams().forEach((k, v) -> yaml.append("  ").append(k).append(": \"").append(v).append("\"\n"));
        }
        yaml.append("topics:\n");
        topics.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        Path file = Files.writeString(dir.resolve(id + ".yaml"), yaml);
        ProcessorConfig config = ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
        Set<String> raw = Set.copyOf(inputs.values());
        try (StreamProcessor processor = StreamProcessor.start(config);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            while (processor.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            Cpu start = null;
            long committedAtStart = 0;
            long lastProgress = System.nanoTime();
            while (true) {
                Map<TopicPartition, Long> committed = committed(admin, id);
                long rawCommitted = committed.entrySet().stream().filter(e -> raw.contains(e.getKey().topic()))
                        .mapToLong(Map.Entry::getValue).sum();
                if (start == null && rawCommitted >= options.warmup()) {
                    start = Cpu.now(name -> name.contains("-StreamThread-"));
                    committedAtStart = rawCommitted;
                }
                if (PROGRESS && System.nanoTime() - lastProgress > 5_000_000_000L) {
                    lastProgress = System.nanoTime();
                    System.err.printf(Locale.ROOT, "progress: %,d of %,d raw events committed%n", rawCommitted, total);
                }
                if (start != null && rawCommitted >= total && repartitionsDone(admin, id, committed)) {
                    Rate rate = start.rateTo(rawCommitted - committedAtStart);
                    return new TopologyPass(rate, repartitioned(admin, id));
                }
                Thread.sleep(20);
            }
        }
    }

    /** Wall clock and CPU time (the process's, and that of the threads {@code reader} names) at one moment. */
    private record Cpu(long nanos, long processCpuAt, java.util.function.Predicate<String> reader, long readerCpuAt) {
        static Cpu now(java.util.function.Predicate<String> reader) {
            return new Cpu(System.nanoTime(), processCpu(), reader, threadsCpu(reader));
        }

        Rate rateTo(long events) {
            double seconds = (System.nanoTime() - nanos) / 1e9;
            return new Rate(events / seconds, seconds, (processCpu() - processCpuAt) / 1e3 / events,
                    (threadsCpu(reader) - readerCpuAt) / 1e3 / events);
        }

        private static long processCpu() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        /** CPU of the live threads {@code reader} names (a thread that ended in between is not counted). */
        private static long threadsCpu(java.util.function.Predicate<String> reader) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long sum = 0;
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info != null && reader.test(info.getThreadName())) {
                    long cpu = threads.getThreadCpuTime(info.getThreadId());
                    sum += Math.max(0, cpu);
                }
            }
            return sum;
        }
    }

    /** Whether the application has committed every repartition topic of its own up to its (committed) end. */
    private static boolean repartitionsDone(Admin admin, String id, Map<TopicPartition, Long> committed)
            throws Exception {
        Set<String> internal = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(id + "-") && t.endsWith("-repartition")).collect(Collectors.toSet());
        if (internal.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        admin.describeTopics(internal).allTopicNames().get().values().forEach(d -> d.partitions()
                .forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        return admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get().entrySet()
                .stream().allMatch(e -> e.getValue().offset() == 0
                        || committed.getOrDefault(e.getKey(), 0L) >= e.getValue().offset());
    }

    /** Records in each of the application's repartition topics (committed end offsets), by name without the id. */
    private static Map<String, Long> repartitioned(Admin admin, String id) throws Exception {
        Set<String> internal = admin.listTopics().names().get().stream()
                .filter(t -> t.startsWith(id + "-") && t.endsWith("-repartition")).collect(Collectors.toSet());
        Map<String, Long> out = new java.util.TreeMap<>();
        if (internal.isEmpty()) {
            return out;
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        admin.describeTopics(internal).allTopicNames().get().values().forEach(d -> d.partitions()
                .forEach(p -> specs.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        admin.listOffsets(specs, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get()
                .forEach((p, info) -> out.merge(p.topic().substring(id.length() + 1), info.offset(), Long::sum));
        return out;
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
}
