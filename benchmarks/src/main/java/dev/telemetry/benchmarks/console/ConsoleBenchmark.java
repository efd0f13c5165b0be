package dev.telemetry.benchmarks.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.stack.LocalStack;
import dev.telemetry.stack.demo.DemoPace;
import dev.telemetry.stack.demo.DemoTraffic;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The console's speed and memory against the targets, in one run on one machine (docs/performance.md,
 * "Console"):
 *
 * <ol>
 *   <li><b>Heap</b> of the console as deployed ({@code java -Xmx256m -jar console/target/console.jar}, shipped caps) while
 *       it follows the demo's traffic (the demo's stack and {@link DemoTraffic} at the newcomer's pace, in this JVM),
 *       then with every cap full (2 000 series × 360 windows, 10 000 alerts, 10 000 records in each log view, produced to
 *       the topics), then rebuilt from those topics by a fresh console: live heap after a full GC and most used heap.</li>
 *   <li><b>API</b>: {@code GET /api/series?metric=...} answering 1 000 series × 360 windows over loopback HTTP, in steady
 *       state after a warm-up: median, p95, p99 and size, without and with {@code Accept-Encoding: gzip}.</li>
 *   <li><b>First paint</b> of each view linked from the start page, in headless Chromium, with the caps full.</li>
 * </ol>
 * Knobs (system properties): {@code demo} seconds of demo traffic before the fill (120), {@code warmup} seconds of API
 * warm-up (45), {@code requests} timed API requests (100), {@code loads} timed loads per view after a cold one (5),
 * {@code heap} the console's -Xmx (256m), {@code perMetric} (1000), {@code windows} (360), {@code records} (10000).
 */
public final class ConsoleBenchmark {

    private static final double API_TARGET_MS = 200;
    private static final long HEAP_TARGET = 256L * 1024 * 1024;
    private static final double PAINT_TARGET_MS = 1000;

    private ConsoleBenchmark() {
    }

    /** The result table's rows so far: printed however the run ends, so a failed phase still shows what was measured. */
    private static final List<String> rows = new ArrayList<>();

    public static void main(String[] args) {
        int status = 0;
        String loadStart = loadAverage();
        try {
            run();
        } catch (Throwable e) {
            e.printStackTrace();
            rows.add("| **the run stopped** | " + e.toString().replace('|', '/').replace('\n', ' ') + " | |");
            status = 1;
        }
        rows.add("| load average (1 min) at the start / at the end | " + loadStart + " / " + loadAverage()
                + " | (2 cores: above 2 means other work shared the machine) |");
        String table = "| measurement | result | target |\n| --- | --- | --- |\n" + String.join("\n", rows) + "\n";
        Path summary = Path.of("").toAbsolutePath().resolve("benchmarks/target/console-benchmark/summary.md");
        try {
            Files.writeString(summary, table);
        } catch (java.io.IOException e) {
            e.printStackTrace();
        }
        System.out.println();
        System.out.println(table);
        System.out.println("(also in " + summary + ")");
        System.exit(status); // the stack's non-daemon threads would otherwise keep the JVM (and its broker) alive
    }

    private static void run() throws Exception {
        int demoSeconds = Integer.getInteger("demo", 120);
        int warmup = Integer.getInteger("warmup", 45);
        int requests = Integer.getInteger("requests", 100);
        int loads = Integer.getInteger("loads", 5);
        String heap = System.getProperty("heap", "256m");
        int perMetric = Integer.getInteger("perMetric", 1000);
        int windows = Integer.getInteger("windows", 360);
        int records = Integer.getInteger("records", 10_000);
        int maxSeries = 2000; // the shipped views.max-series
        Path root = Path.of("").toAbsolutePath();
        Path work = root.resolve("benchmarks/target/console-benchmark");
        deleteRecursively(work);
        Files.createDirectories(work);
        PrintStream out = System.out;

        out.println("== starting the demo's stack (broker, gateway, processor, sink) on free ports");
        try (LocalStack stack = DemoStack.start(work.resolve("stack"))) {
            String bootstrap = stack.broker().bootstrapServers();
            String services = "services: {gateway: \"http://127.0.0.1:%d\", processor: \"http://127.0.0.1:%d\", sink: \"http://127.0.0.1:%d\"}"
                    .formatted(stack.gateway().port(), stack.processor().httpPort(), stack.sink().httpPort());
            out.printf("== starting the console under test: java -Xmx%s -jar %s (shipped caps)%n", heap,
                    System.getProperty("console.jar", "console/target/console.jar"));
            ConsoleJvm console = ConsoleJvm.start(root, work, bootstrap, heap, services);
            try (PrintStream trafficLog = new PrintStream(Files.newOutputStream(work.resolve("demo-traffic.log")), true, StandardCharsets.UTF_8)) {
                console.awaitHealth(h -> h.path("checks").path("caughtUp").asBoolean(false)
                        || h.path("details").path("caughtUp").asBoolean(false) || "UP".equalsIgnoreCase(h.path("status").asText()),
                        Duration.ofSeconds(120));
                DemoTraffic traffic = new DemoTraffic(URI.create("http://127.0.0.1:" + stack.gateway().port()), "dev-ingest-key",
                        DemoPace.newcomer(), trafficLog).start();
                try {
                    // 1. Heap while following the demo.
                    out.printf("== 1/3 heap: the demo's traffic for %d s%n", demoSeconds);
                    console.resetMaxUsed();
                    Thread.sleep(demoSeconds * 1000L);
                    JsonNode demoDetails = console.health().path("details");
                    long demoLive = console.liveHeapAfterFullGc();
                    rows.add(heapRow("heap, following the demo's traffic (%d s; %d series, %d windows, %d alerts, %d deliveries, %d findings)"
                            .formatted(demoSeconds, demoDetails.path("series").asLong(), demoDetails.path("windows").asLong(),
                                    demoDetails.path("alerts").asLong(), demoDetails.path("deliveries").asLong(),
                                    demoDetails.path("findings").asLong()), demoLive, console.maxUsed()));
                    out.println("   " + rows.get(rows.size() - 1));

                    out.printf("== 1/3 heap: filling the caps (%d series in all × %d windows, %d alerts, attempts, dead letters, findings,"
                            + " rate-limit counts) through the topics%n", maxSeries, windows, records);
                    console.resetMaxUsed();
                    Instant fillStart = Instant.now();
                    int vitals = maxSeries - perMetric - console.health().path("details").path("series").intValue();
                    ConsoleFill.Counts produced = ConsoleFill.fill(bootstrap, perMetric, vitals, windows, records);
                    out.printf("   produced %d summaries and %d of each other record in %d s%n", produced.summaries(), records,
                            produced.took().toSeconds());
                    JsonNode full = awaitFull(console, produced.summaries(), records);
                    Duration ingest = Duration.between(fillStart, Instant.now());
                    long fullLive = console.liveHeapAfterFullGc();
                    rows.add(heapRow(("heap, caps full (%d series, %d windows, %d alerts, %d deliveries, %d findings, %d rate-limit counts;"
                            + " produced and read in %d s)").formatted(full.path("series").asLong(), full.path("windows").asLong(),
                            full.path("alerts").asLong(), full.path("deliveries").asLong(), full.path("findings").asLong(),
                            full.path("rateLimitCounts").asLong(), ingest.toSeconds()), fullLive, console.maxUsed()));
                    out.println("   " + rows.get(rows.size() - 1));

                    // 2. The API's chart of perMetric series × windows.
                    ApiTimer api = new ApiTimer();
                    String url = console.base() + "/api/series?metric=" + ConsoleFill.CHART_METRIC;
                    JsonNode body = api.fetchJson(url);
                    long windowsAnswered = 0;
                    for (JsonNode s : body.path("series")) {
                        windowsAnswered += s.path("windows").size();
                    }
                    out.printf("== 2/3 API: GET /api/series?metric=%s answers %d series, %d windows; %d s warm-up, then %d requests%n",
                            ConsoleFill.CHART_METRIC, body.path("series").size(), windowsAnswered, warmup, requests);
                    if (body.path("series").size() != perMetric) {
                        throw new IllegalStateException("expected " + perMetric + " series, got " + body.path("series").size());
                    }
                    console.resetMaxUsed();
                    ApiTimer.Result plain = api.time("identity", url, false, Duration.ofSeconds(warmup), requests);
                    rows.add(apiRow(plain, body.path("series").size(), windowsAnswered));
                    out.println("   " + rows.get(rows.size() - 1));
                    ApiTimer.Result gzip = api.time("Accept-Encoding: gzip as a browser sends it", url, true, Duration.ofSeconds(Math.max(10, warmup / 3)), Math.max(10, requests / 5));
                    rows.add(apiRow(gzip, body.path("series").size(), windowsAnswered));
                    out.println("   " + rows.get(rows.size() - 1));
                    // What a chart asks for, if this build can be asked: one statistic (a line per series), as window objects
                    // and as columns (uPlot's layout), and the Metrics view's five statistics as columns.
                    for (String variant : List.of("stats=p95", "stats=p95&format=columns", "stats=count,mean,p50,p95,p99&format=columns",
                            "stats=count,mean,p50,p95,p99&format=columns, Accept-Encoding: gzip")) {
                        boolean gzipped = variant.endsWith("gzip");
                        String query = variant.split(",? Accept")[0];
                        try {
                            ApiTimer.Result r = api.time(variant, url + "&" + query, gzipped, Duration.ofSeconds(Math.max(10, warmup / 3)), requests);
                            rows.add(apiRow(r, body.path("series").size(), windowsAnswered));
                        } catch (IllegalStateException e) {
                            rows.add("| API, " + variant + " | not supported by this build (" + e.getMessage() + ") | |");
                        }
                        out.println("   " + rows.get(rows.size() - 1));
                    }
                    long apiLive = console.liveHeapAfterFullGc();
                    rows.add(heapRow("heap, caps full, after the API requests above", apiLive, console.maxUsed()));
                    out.println("   " + rows.get(rows.size() - 1));

                    // 3. First paint of every view, with the caps full.
                    out.printf("== 3/3 first paint: every view linked from the start page, one cold load then %d%n", loads);
                    try (PaintTimer paint = new PaintTimer(console.base(), work.resolve("chromium"))) {
                        for (String view : paint.views()) {
                            PaintTimer.ViewResult r = paint.measure(view, loads);
                            rows.add(paintRow(r));
                            out.println("   " + rows.get(rows.size() - 1));
                        }
                    }
                    if (!console.alive() || console.logMentions("OutOfMemoryError")) {
                        rows.add("| the console under test | **died or ran out of memory**: see " + work.resolve("console.log") + " | |");
                    }
                } finally {
                    traffic.close();
                }
            } finally {
                console.close();
            }

            // The same topics read from scratch by a fresh console: its start-up peak (every record of the retention
            // replayed as fast as it can be read).
            out.println("== heap: a fresh console rebuilding the full caps from the topics");
            Instant t0 = Instant.now();
            try (ConsoleJvm fresh = ConsoleJvm.start(root, work, bootstrap, heap, services)) {
                JsonNode rebuilt = awaitFull(fresh, 0, records); // what is still within the retention; caughtUp says when
                Duration took = Duration.between(t0, Instant.now());
                long live = fresh.liveHeapAfterFullGc();
                rows.add(heapRow("heap, a fresh console rebuilding the caps from the topics (%d series, %d windows; %d s from start)"
                        .formatted(rebuilt.path("series").asLong(), rebuilt.path("windows").asLong(), took.toSeconds()), live, fresh.maxUsed()));
                out.println("   " + rows.get(rows.size() - 1));
            }
        }
    }

    /**
     * Waits until the console has read at least {@code summaries} records of the summaries topic (the fill's; the demo's
     * come on top), says it has caught up with the end offsets it found at start, and every log-like cap is full. The
     * window count is no target: the oldest windows of the fill leave the retention while the run goes on.
     */
    private static JsonNode awaitFull(ConsoleJvm console, long summaries, int records) throws InterruptedException {
        return console.awaitHealth(h -> {
            JsonNode d = h.path("details");
            return h.path("checks").path("caughtUp").asBoolean(false) && d.path("alerts").asLong() >= records
                    && d.path("deliveries").asLong() >= 2L * records && d.path("findings").asLong() >= records
                    && d.path("rateLimitCounts").asLong() >= records && console.recordsRead("telemetry.summaries") >= summaries;
        }, Duration.ofMinutes(15)).path("details");
    }

    private static String heapRow(String what, long live, long maxUsed) {
        return "| %s | live after full GC **%s**, most used %s (-Xmx%s) | ≤ 256 MB: %.2f × |".formatted(what, mb(live), mb(maxUsed),
                System.getProperty("heap", "256m"),
                (double) live / HEAP_TARGET);
    }

    private static String apiRow(ApiTimer.Result r, int series, long windows) {
        return String.format(Locale.ROOT, "| API, %d series × %d windows, %s (%d warm-up requests, %d timed) | median **%.0f ms**, p95 %.0f, p99 %.0f,"
                        + " max %.0f; %s on the wire%s | < 200 ms: %.2f × |", series, windows / Math.max(1, series), r.label() + (r.encoding().equals("identity") ? "" : ", " + r.encoding() + " answered"),
                r.warmupRequests(), r.requests(), r.medianMs(), r.p95Ms(), r.p99Ms(), r.maxMs(), mb(r.bytes()),
                r.bytes() == r.decodedBytes() ? "" : " (" + mb(r.decodedBytes()) + " inflated)", r.medianMs() / API_TARGET_MS);
    }

    private static String paintRow(PaintTimer.ViewResult r) {
        return String.format(Locale.ROOT, "| first paint %s (median of %d loads; cold load) | FCP **%.0f ms** (cold %.0f); status line settled %.0f ms"
                        + " (max %.0f, cold %.0f)%s; HTML received %.0f ms | < 1 s: %.2f × |", r.path(), r.loads(), r.fcpMedianMs(),
                r.coldFcpMs(), r.readyMedianMs(), r.readyMaxMs(), r.coldReadyMs(), r.unsettled() > 0 ? "; **" + r.unsettled()
                        + " loads never left Loading… within 60 s**" : "", r.responseEndMedianMs(), r.fcpMedianMs() / PAINT_TARGET_MS);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
