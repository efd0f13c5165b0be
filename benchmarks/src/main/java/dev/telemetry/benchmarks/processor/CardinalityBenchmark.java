package dev.telemetry.benchmarks.processor;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The stream processor's memory under a flood of distinct metric names, as deployed: one local broker (3
 * partitions), the shipped jar in a child JVM ({@code -Xmx512m}), the same input three times into fresh topics.
 * <ol>
 *   <li>baseline: {@code events} metric events of 100 names;</li>
 *   <li>flood, capped: the same number of events, every one a new name ({@code latency-<n>}, the user-id-in-a-name
 *       bug), with the shipped caps;</li>
 *   <li>flood, uncapped: the same flood with the caps raised out of reach (what the processor did before them).</li>
 * </ol>
 * For each it reports the processor's heap (used, sampled every second from its own {@code /metrics}; and the live
 * data after the last old-generation GC), its resident set size, its state directory on disk, and the most summaries
 * of the app in one window on {@code telemetry.summaries}. Usage: {@code CardinalityBenchmark [events-per-window]
 * [windows]}, default 100 000 names per window for 3 windows.
 */
public final class CardinalityBenchmark {

    private static final Pattern HEAP_USED = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\".*} (\\S+)$",
            Pattern.MULTILINE);
    private static final Pattern LIVE = Pattern.compile("^jvm_gc_live_data_size_bytes(?:\\{[^}]*})? (\\S+)$",
            Pattern.MULTILINE);

    private CardinalityBenchmark() {
    }

    record Result(String name, long events, double maxHeapMb, double liveDataMb, double maxRssMb, double stateMb,
                  int maxSummariesPerWindow, double seconds) {
    }

    public static void main(String[] args) throws Exception {
        int perWindow = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int windows = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path jar = Path.of("stream-processor/target/stream-processor.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -DskipTests package)");
        }
        Path dir = Files.createTempDirectory("cardinality-benchmark");
        List<Result> results = new ArrayList<>();
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder().dataDir(dir.resolve("kafka")).build().start()) {
            results.add(run(broker, dir, jar, "baseline: 100 names", perWindow, windows, 100, ""));
            results.add(run(broker, dir, jar, "flood, shipped caps", perWindow, windows, Integer.MAX_VALUE, ""));
            results.add(run(broker, dir, jar, "flood, caps out of reach", perWindow, windows, Integer.MAX_VALUE,
                    "cardinality: {max-metrics-per-app: 100000000, max-series-per-app: 100000000}\n"));
        }
        System.out.printf(Locale.ROOT, "%n%d events per window, %d windows, 3 partitions, processor -Xmx512m%n%n",
                perWindow, windows);
        System.out.println("| run | events | heap used, max | live data after GC | RSS, max | state on disk "
                + "| summaries of the app per window, max | time |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %.0f MB | %.0f MB | %.0f MB | %.0f MB | %,d | %.0f s |%n", r.name(),
                    r.events(), r.maxHeapMb(), r.liveDataMb(), r.maxRssMb(), r.stateMb(), r.maxSummariesPerWindow(),
                    r.seconds());
        }
    }

    private static Result run(LocalKafkaBroker broker, Path dir, Path jar, String name, int perWindow, int windows,
                              int distinctNames, String extraConfig) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> topics = new HashMap<>();
        for (Topic t : Topic.values()) {
            topics.put(t.configKey(), "card-" + run + "-" + TopicCatalogue.defaults().name(t));
        }
        for (String topic : topics.values()) {
            broker.createTopic(topic, 3, Map.of());
        }
        String metricsTopic = topics.get(Topic.METRICS.configKey());
        // Windows in the past, a minute apart: all but the last close by event time, the last by the wall clock.
        long firstWindow = (System.currentTimeMillis() / 60_000 - windows - 5) * 60_000;
        long events = produce(broker.bootstrapServers(), metricsTopic, perWindow, windows, distinctNames, firstWindow);

        Path state = Files.createDirectories(dir.resolve("state-" + run));
        String appId = "card-" + run;
        StringBuilder yaml = new StringBuilder()
                .append("kafka: {bootstrap-servers: \"").append(broker.bootstrapServers()).append("\"}\n")
                .append("application-id: ").append(appId).append('\n')
                .append("state-dir: \"").append(state).append("\"\n")
                .append("http: {host: 127.0.0.1, port: 0}\n")
                .append(extraConfig)
                .append("topics:\n");
        topics.forEach((k, v) -> yaml.append("  ").append(k).append(": ").append(v).append('\n'));
        Path config = Files.writeString(dir.resolve("processor-" + run + ".yaml"), yaml);
        Path log = dir.resolve("processor-" + run + ".log");
        Process process = new ProcessBuilder("java", "-Xmx512m", "-jar", jar.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long start = System.nanoTime();
        double maxHeap = 0;
        double live = 0;
        double maxRss = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            int port = opsPort(log);
            HttpClient http = HttpClient.newHttpClient();
            Map<Long, Integer> perWindowSummaries = Map.of();
            Map<Long, Integer> previous = null;
            while (true) {
                String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                maxHeap = Math.max(maxHeap, sum(HEAP_USED, metrics) / 1e6);
                live = Math.max(live, sum(LIVE, metrics) / 1e6);
                maxRss = Math.max(maxRss, rssKb(process.pid()) / 1e3);
                if (committed(admin, appId, metricsTopic) >= events) {
                    // Done when every window has summaries and a second look finds no more (tasks close on their own).
                    perWindowSummaries = summariesPerWindow(broker.bootstrapServers(), topics.get(Topic.SUMMARIES.configKey()));
                    if (perWindowSummaries.size() >= windows && perWindowSummaries.equals(previous)) {
                        break;
                    }
                    previous = perWindowSummaries;
                }
                if (!process.isAlive()) {
                    throw new IllegalStateException("the processor exited; see " + log);
                }
                Thread.sleep(1_000);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double stateMb = directorySize(state) / 1e6;
            int maxSummaries = perWindowSummaries.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            System.out.printf(Locale.ROOT, "%s: %s%n", name, perWindowSummaries);
            return new Result(name, events, maxHeap, live, maxRss, stateMb, maxSummaries, seconds);
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private static long produce(String bootstrap, String topic, int perWindow, int windows, int distinctNames,
                                long firstWindow) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long n = 0;
        try (KafkaProducer<String, Envelope> producer = new KafkaProducer<>(props, new StringSerializer(),
                JsonSerde.envelope().serializer())) {
            for (int w = 0; w < windows; w++) {
                for (int i = 0; i < perWindow; i++) {
                    long at = firstWindow + w * 60_000L + (i * 50_000L / perWindow);
                    String metric = "latency-" + (distinctNames == Integer.MAX_VALUE ? w * (long) perWindow + i : i % distinctNames);
                    MetricEvent event = new MetricEvent(metric, 100 + i % 50, at, Map.of());
                    Instant time = Instant.ofEpochMilli(at);
                    Envelope envelope = new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, "flood",
                            time, time, "203.0.113.9", "bench", event);
                    producer.send(new ProducerRecord<>(topic, envelope.key(), envelope));
                    n++;
                }
            }
            producer.flush();
        }
        return n;
    }

    private static int opsPort(Path log) throws Exception {
        Pattern port = Pattern.compile("operations endpoint on http://[^:]+:(\\d+)/");
        for (int i = 0; i < 600; i++) {
            if (Files.exists(log)) {
                Matcher m = port.matcher(Files.readString(log));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no operations port in " + log);
    }

    private static double sum(Pattern pattern, String metrics) {
        Matcher m = pattern.matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    private static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // The process ended between samples.
        }
        return 0;
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset()).sum();
    }

    /** Summaries of the app "flood" per window start, read from the start of the topic. */
    private static Map<Long, Integer> summariesPerWindow(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "card-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<Long, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, Summary> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                JsonSerde.summary().deserializer())) {
            consumer.subscribe(List.of(topic));
            int empty = 0;
            while (empty < 5) {
                var records = consumer.poll(Duration.ofMillis(500));
                empty = records.isEmpty() ? empty + 1 : 0;
                for (ConsumerRecord<String, Summary> record : records) {
                    if (record.value() != null && record.value().app().equals("flood")) {
                        counts.merge(record.value().windowStart().toEpochMilli(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
