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
 * are not throughput); the backtest first runs untimed over the first fifth of the range, then over the whole range
 * as many times as it takes to fill {@code min-seconds}. The events' times are their append times, an hour ago,
 * as the gateway writes them (a backtest replays by append time).
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
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 1_200_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        double minSeconds = args.length > 2 ? Double.parseDouble(args[2]) : 30;
        Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.MINUTES);
        Path dir = Files.createTempDirectory("backtest-benchmark");
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
            System.out.printf(Locale.ROOT, "backtest CPU: replaying thread(s) %.1f s (%,.0f events per CPU-second), "
                            + "reader %.1f s, caller (the router) %.1f s%n", cpu.replaySeconds(),
                    backtest.events() / cpu.replaySeconds(), cpu.readerSeconds(), cpu.callerSeconds());
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
            while (true) {
                long committed = committed(admin, config.applicationId(), topic);
                if (start == 0 && committed >= warmUp) {
                    start = System.nanoTime();
                    committedAtStart = committed;
                }
                if (start != 0 && committed >= events) {
                    return (events - committedAtStart) / ((System.nanoTime() - start) / 1e9);
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

    /**
     * @param cpu CPU seconds of the timed passes' threads: the replaying threads', the reader's, the caller's (which
     *            routes records to the replaying threads)
     */
    private record Backtested(int passes, double seconds, long events, ThreadCpu cpu) {
        double rate() {
            return events / seconds;
        }
    }

    /**
     * CPU time of the backtest's threads, sampled every few milliseconds by name (the replaying threads
     * {@code telemetry-backtest-replay-*}, the reader {@code telemetry-backtest-reader}; each thread's last sample,
     * so a few milliseconds of each may be missed), and of the caller's thread, measured whole.
     */
    private static final class ThreadCpu implements AutoCloseable {
        private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        private final Map<Long, Long> replay = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<Long, Long> reader = new java.util.concurrent.ConcurrentHashMap<>();
        private final long callerStart = threads.getCurrentThreadCpuTime();
        private volatile long callerNanos;
        private volatile boolean stopped;
        private final Thread sampler = new Thread(this::sample, "backtest-benchmark-cpu");

        ThreadCpu() {
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (!stopped) {
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    Map<Long, Long> into = t.getName().startsWith("telemetry-backtest-replay-") ? replay
                            : t.getName().equals("telemetry-backtest-reader") ? reader : null;
                    if (into != null) {
                        long cpu = threads.getThreadCpuTime(t.getId());
                        if (cpu > 0) {
                            into.merge(t.getId(), cpu, Math::max);
                        }
                    }
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        double replaySeconds() {
            return replay.values().stream().mapToLong(Long::longValue).sum() / 1e9;
        }

        double readerSeconds() {
            return reader.values().stream().mapToLong(Long::longValue).sum() / 1e9;
        }

        double callerSeconds() {
            return callerNanos / 1e9;
        }

        @Override
        public void close() throws InterruptedException {
            callerNanos = threads.getCurrentThreadCpuTime() - callerStart;
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
