package dev.telemetry.benchmarks.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console as deployed, in its own JVM: {@code java -Xmx256m -jar console/target/console.jar --config <file>} with
 * the shipped defaults (caps included) and only the ports and the broker laid over them. Its heap is read two ways:
 * the used heap from its own {@code /metrics} every second (the most seen between two {@link #resetMaxUsed()}s), and
 * the live heap — what a full collection leaves — with {@code jcmd <pid> GC.run} then {@code GC.heap_info}.
 */
final class ConsoleJvm implements AutoCloseable {

    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\s*garbage-first heap\\s+total (\\d+)K, used (\\d+)K");
    private static final Pattern METRIC_HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*} ([0-9.eE+]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final String base;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heap-sampler");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong maxUsed = new AtomicLong();

    private ConsoleJvm(Process process, String base, Path log) {
        this.process = process;
        this.base = base;
        this.log = log;
        sampler.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    static ConsoleJvm start(Path root, Path dir, String bootstrap, String heap, String services) throws IOException, InterruptedException {
        int port = DemoStack.freePort();
        Path config = dir.resolve("console-under-test.yaml");
        Files.writeString(config, """
                # The shipped console.yaml with only the ports, the broker and the services' URLs laid over it.
                http: {host: 127.0.0.1, port: %d}
                kafka: {bootstrap-servers: "%s"}
                %s
                """.formatted(port, bootstrap, services));
        // -Dconsole.jar=<path> measures another build (e.g. the one before a change, copied aside with its lib/).
        Path jar = Path.of(System.getProperty("console.jar", root.resolve("console/target/console.jar").toString()));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build with mvn -pl benchmarks -am package");
        }
        Path log = dir.resolve("console.log");
        Process process = new ProcessBuilder("java", "-Xmx" + heap, "-jar", jar.toString(), "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        // The console must not outlive the benchmark, however it ends.
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
        ConsoleJvm jvm = new ConsoleJvm(process, "http://127.0.0.1:" + port, log);
        jvm.awaitHealth(h -> true, Duration.ofSeconds(120));
        return jvm;
    }

    String base() {
        return base;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** {@code /health}'s body (whatever its status), or null while the console does not answer. */
    JsonNode health() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    JsonNode awaitHealth(Predicate<JsonNode> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the console exited with " + process.exitValue() + "; last lines of " + log
                        + ":\n" + tail());
            }
            JsonNode h = health();
            if (h != null && condition.test(h)) {
                return h;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the console did not reach the expected state within " + timeout + "; health: " + health());
    }

    /** Live heap in bytes: a full collection ({@code jcmd GC.run}), then the used heap {@code jcmd GC.heap_info} reports. */
    long liveHeapAfterFullGc() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("unexpected GC.heap_info output:\n" + info);
        }
        return Long.parseLong(m.group(2)) * 1024;
    }

    /** {@code console_records_total{topic=...}} from the console's {@code /metrics}: records read into the views. */
    long recordsRead(String topic) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("(?m)^console_records_total\\{[^}]*topic=\"" + Pattern.quote(topic) + "\"[^}]*} ([0-9.eE+]+)")
                    .matcher(r.body());
            return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The most used heap seen on {@code /metrics} since the last reset. */
    long maxUsed() {
        return maxUsed.get();
    }

    void resetMaxUsed() {
        maxUsed.set(0);
    }

    private void sample() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = METRIC_HEAP.matcher(r.body());
            double used = 0;
            while (m.find()) {
                used += Double.parseDouble(m.group(1));
            }
            long u = (long) used;
            maxUsed.accumulateAndGet(u, Math::max);
        } catch (Exception e) {
            // A missed sample is a missed sample; the console's own health is watched elsewhere.
        }
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(process.pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + out);
        }
        return out;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", new ArrayList<>(lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    boolean logMentions(String text) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        sampler.shutdownNow();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
