package dev.telemetry.benchmarks.rulelab;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.rulelab.backtest.BacktestRun;
import dev.telemetry.rulelab.replay.LabSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A backtest's throughput against live processing, in one run on one local broker: the same N metric events on
 * the same topic are processed (1) by the production topology under exactly_once_v2, as the stream processor runs it
 * (timed as {@code ProcessorBenchmark} times it, from commits), and (2) by a backtest over the same topic and time
 * range with the same rules and windows, as {@code ./telemetry backtest} runs it ({@link BacktestRun}: HistoryReader
 * reading the raw topics, apps replayed in parallel on the rule lab's replay, one thread per available processor;
 * the events are all of one app, "bench"). It prints both rates and their ratio; the target is a backtest at least
 * twice as fast.
 *
 * <p>Steady state: the live rate counts the events after the first fifth (startup, group join and the JIT's warm-up
 * are not throughput), over the default 9.6 million events about 18 s; the backtest first runs untimed over the first
 * fifth of the range, then over the whole range as many times as it takes to fill {@code min-seconds}. The events'
 * times are their append times, an hour ago, as the gateway writes them (a backtest replays by append time). Both
 * also print the process's CPU time per event (the broker is in the process for both), and the backtest its threads'.
 *
 * <p>Usage: {@code BacktestBenchmark [events] [partitions] [min-seconds]}.
 */
public final class BacktestBenchmark {

    /** Event time the events span, as in ProcessorBenchmark: 10 one-minute windows of 20 series. */
    private static final Duration SPAN = Duration.ofMinutes(10);
    private static final double WARM_UP = 0.2;

    private BacktestBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // 9.6 million: the live run must reach steady state. With 1.2 million it was timed over 3 s just after its
        // start, while the JIT still compiled, and ran at 0.65 of its steady rate (a flattering ratio).
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 9_600_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        double minSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 30;
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);
        Path dir = Files.createTempDirectory("backtest-benchmark");
        try {
            run(events, partitions, minSeconds, base, dir);
        } finally {
            // Gigabytes of log segments at the default size.
            try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(int events, int partitions, double minSeconds, Instant base, Path dir) throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start()) {
            Map<String, String> topics = new LinkedHashMap<>();
            for (Topic t : List.of(Topic.METRICS, Topic.VITALS, Topic.ACTIONS, Topic.REQUESTS, Topic.SYNTHETIC,
                    Topic.ERRORS, Topic.SECURITY, Topic.FEEDBACK, Topic.AUDIT, Topic.SUMMARIES, Topic.RATELIMIT, Topic.ALERTS, Topic.SLO, Topic.VITALS_ATTRIBUTION,
                    Topic.PROCESSOR_DLQ)) {
                String name = "bench-" + t.configKey() + "-" + UUID.randomUUID();
                broker.createTopic(name, t == Topic.METRICS ? partitions : 1, Map.of());
                topics.put(t.configKey(), name);
            }
            String topic = topics.get(Topic.METRICS.configKey());
            ProcessorConfig config = config(broker, dir, topics);
            produce(broker.bootstrapServers(), topic, events, base);
            Instant from = base;
            Instant to = base.plus(SPAN);

            double live = live(broker, config, topic, events);
            Backtested backtest = backtest(broker.bootstrapServers(), config, from, to, events, minSeconds);

            System.out.printf(Locale.ROOT, "events: %d, partitions: %d, event time: %s from %s%n", events, partitions,
                    SPAN, from);
            System.out.printf(Locale.ROOT, "live topology, exactly_once_v2 (after the first %.0f%%): %,.0f events/s%n",
                    WARM_UP * 100, live);
            System.out.printf(Locale.ROOT, "backtest (%d passes in %.1f s, after a warm-up pass): %,.0f events/s%n",
                    backtest.passes(), backtest.seconds(), backtest.rate());
            System.out.printf(Locale.ROOT, "ratio backtest / live:           %.2f (target >= 2)%n",
                    backtest.rate() / live);
            ThreadCpu cpu = backtest.cpu();
            System.out.printf(Locale.ROOT, "backtest: process CPU %.1f s over the timed passes (%.2f µs per event): "
                            + "replaying thread(s) %.1f s (%,.0f events per CPU-second), reader %.1f s, caller (routes "
                            + "and decodes) %.1f s, broker %.1f s, other Java threads %.1f s; GC pauses %.1f s of wall "
                            + "clock%n",
                    cpu.processSeconds(), cpu.processSeconds() * 1e6 / backtest.events(), cpu.seconds("replay"),
                    backtest.events() / cpu.seconds("replay"), cpu.seconds("reader"), cpu.seconds("caller"),
                    cpu.seconds("broker"), cpu.seconds("other"), cpu.gcSeconds());
        }
    }

    /** The shipped configuration (rules, windows, exactly_once_v2, 1 s commits) on the benchmark's topics. */
    private static ProcessorConfig config(LocalKafkaBroker broker, Path dir, Map<String, String> topics)
            throws Exception {
        StringBuilder yaml = new StringBuilder()
                .append("kafka: {bootstrap-servers: \"").append(broker.bootstrapServers()).append("\"}\n")
                .append("application-id: bench-").append(UUID.randomUUID()).append('\n')
                .append("state-dir: \"").append(dir.resolve("state")).append("\"\n")
                .append("http: {host: 127.0.0.1, port: 0}\n")
                .append("topics:\n");
        topics.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        Path file = Files.writeString(dir.resolve("processor.yaml"), yaml);
        return ProcessorConfig.load(new String[] {"--config", file.toString()}, Map.of());
    }

    /** ProcessorBenchmark's events (20 series, latencies with a tail), each appended at its own time. */
    private static void produce(String bootstrap, String topic, int events, Instant base) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(props, new StringSerializer(),
                JsonSerde.envelope().serializer())) {
            for (int i = 0; i < events; i++) {
                Instant at = base.plusMillis(i * SPAN.toMillis() / events);
                double value = 50 + (i * 7919L % 1000) * ((i % 100 == 0) ? 10 : 1);
                MetricEvent metric = new MetricEvent("api_latency_ms", value, at.toEpochMilli(),
                        Map.of("endpoint", "/api/e" + (i % 20)));
                Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "bench",
                        at, at, "203.0.113.9", "bench", metric);
                // The append time is the event's: what the gateway does within milliseconds, and what a backtest
                // replays by.
                producer.send(new ProducerRecord<>(topic, null, at.toEpochMilli(), envelope.key(), envelope));
            }
            producer.flush();
        }
    }

    /**
     * Events per second of the stream processor: from its committed offsets first covering a fifth of the events
     * to their covering all of them (so the time includes the last commit).
     */
    private static double live(LocalKafkaBroker broker, ProcessorConfig config, String topic, int events)
            throws Exception {
        long warmUp = (long) (events * WARM_UP);
        try (StreamProcessor processor = StreamProcessor.start(config);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            while (processor.state() != KafkaStreams.State.RUNNING) {
                Thread.sleep(20);
            }
            long start = 0;
            long committedAtStart = 0;
            long cpuAtStart = 0;
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            while (true) {
                long committed = committed(admin, config.applicationId(), topic);
                if (start == 0 && committed >= warmUp) {
                    start = System.nanoTime();
                    cpuAtStart = os.getProcessCpuTime();
                    committedAtStart = committed;
                }
                if (start != 0 && committed >= events) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double cpu = (os.getProcessCpuTime() - cpuAtStart) / 1e9;
                    System.out.printf(Locale.ROOT, "live: process CPU %.1f s in %.1f s (%.2f µs per event)%n", cpu,
                            seconds, cpu * 1e6 / (events - committedAtStart));
                    return (events - committedAtStart) / seconds;
                }
                Thread.sleep(20);
            }
        }
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** @param cpu CPU time over the timed passes */
    private record Backtested(int passes, double seconds, long events, ThreadCpu cpu) {
        double rate() {
            return events / seconds;
        }
    }

    /**
     * CPU time of the process's threads over the timed passes, by group: the replaying threads
     * ({@code telemetry-backtest-replay-*}), the reader ({@code telemetry-backtest-reader}), the caller (which routes
     * records to the replaying threads, and decodes them), the in-process broker's threads, and the other Java threads.
     * Each thread's CPU time is sampled every few milliseconds (its last sample counts, so a few milliseconds of each
     * may be missed); the process's total is measured whole, so what the samples miss, and the GC's and the JIT's
     * threads, which are not Java threads, show as the difference.
     */
    private static final class ThreadCpu implements AutoCloseable {
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        /** Per thread id: its CPU time when first seen (0 for threads started after the start). */
        private final Map<Long, Long> first = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<Long, Long> last = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<Long, String> group = new java.util.concurrent.ConcurrentHashMap<>();
        private final long callerId = Thread.currentThread().getId();
        private final long processStart = os.getProcessCpuTime();
        private final long gcStart = gcMillis();
        private volatile long processNanos;
        private volatile long gcMillis;
        private volatile boolean stopped;
        private final Thread sampler = new Thread(this::sample, "backtest-benchmark-cpu");

        ThreadCpu() {
            sampleOnce(true);
            sampler.setDaemon(true);
            sampler.start();
        }

        private static long gcMillis() {
            return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
        }

        private String groupOf(Thread t) {
            String name = t.getName();
            if (t.getId() == callerId) {
                return "caller";
            }
            if (name.startsWith("telemetry-backtest-replay-")) {
                return "replay";
            }
            if (name.equals("telemetry-backtest-reader")) {
                return "reader";
            }
            if (name.startsWith("data-plane") || name.startsWith("kafka-") || name.contains("broker")
                    || name.startsWith("controller") || name.startsWith("raft") || name.startsWith("ExpirationReaper")
                    || name.startsWith("LogCleaner") || name.startsWith("ReplicaFetcher") || name.startsWith("quorum")) {
                return "broker";
            }
            return "other";
        }

        private void sampleOnce(boolean atStart) {
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                long cpu = threads.getThreadCpuTime(t.getId());
                if (cpu <= 0) {
                    continue;
                }
                first.putIfAbsent(t.getId(), atStart ? cpu : 0);
                group.computeIfAbsent(t.getId(), id -> groupOf(t));
                last.merge(t.getId(), cpu, Math::max);
            }
        }

        private void sample() {
            while (!stopped) {
                sampleOnce(false);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        double seconds(String of) {
            long nanos = 0;
            for (Map.Entry<Long, Long> e : last.entrySet()) {
                if (of.equals(group.get(e.getKey()))) {
                    nanos += e.getValue() - first.get(e.getKey());
                }
            }
            return nanos / 1e9;
        }

        double processSeconds() {
            return processNanos / 1e9;
        }

        double gcSeconds() {
            return gcMillis / 1e3;
        }

        @Override
        public void close() throws InterruptedException {
            sampleOnce(false);
            processNanos = os.getProcessCpuTime() - processStart;
            gcMillis = gcMillis() - gcStart;
            stopped = true;
            sampler.join();
        }
    }

    /**
     * Backtests of {@code [from, to)} as {@code ./telemetry backtest} runs one, each timed whole (reader and replay
     * set up, read, replay, report), after an untimed one over the first fifth of the range.
     */
    private static Backtested backtest(String bootstrap, ProcessorConfig config, Instant from, Instant to, int events,
                                       double minSeconds) throws Exception {
        LabSettings settings = LabSettings.rulesOf(config);
        Instant warmUpEnd = from.plusMillis((long) ((to.toEpochMilli() - from.toEpochMilli()) * WARM_UP));
        backtestOnce(bootstrap, config, settings, from, warmUpEnd);
        int passes = 0;
        long replayed = 0;
        ThreadCpu cpu = new ThreadCpu();
        long start = System.nanoTime();
        double seconds;
        try (cpu) {
            do {
                long read = backtestOnce(bootstrap, config, settings, from, to);
                if (read != events) {
                    throw new IllegalStateException("the backtest read " + read + " events of " + events);
                }
                replayed += read;
                passes++;
                seconds = (System.nanoTime() - start) / 1e9;
            } while (seconds < minSeconds);
        }
        return new Backtested(passes, seconds, replayed, cpu);
    }

    private static long backtestOnce(String bootstrap, ProcessorConfig config, LabSettings settings, Instant from,
                                     Instant to) throws Exception {
        // As ./telemetry backtest runs it: apps replayed in parallel on one thread per available processor.
        BacktestRun.Result result = BacktestRun.run(List.of(settings), config.topicCatalogue(), bootstrap, from, to,
                null, Duration.ofMinutes(15), Duration.ofSeconds(30), null);
        return result.stats().delivered();
    }
}
