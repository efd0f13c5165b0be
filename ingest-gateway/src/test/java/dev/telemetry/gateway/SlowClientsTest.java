package dev.telemetry.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.telemetry.gateway.testing.GatewayFixture;
import dev.telemetry.gateway.testing.SlowSwarm.Ending;
import dev.telemetry.gateway.testing.SlowSwarm.Kind;
import dev.telemetry.gateway.testing.SlowSwarm;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow clients against the real gateway over real sockets (issue 12, item 8): a thousand connections
 * that send their head and then one byte every 5 s, or dribble the head itself, must be cut off within
 * the configured deadlines, and must not keep a well-behaved client from being served meanwhile; one
 * address may hold no more than {@code http.max-connections-per-ip} connections. The gateway runs on the
 * shipped defaults for all of these.
 *
 * <p>The well-behaved client's latency is printed (a line starting {@code SLOW-CLIENTS}), not asserted:
 * timed assertions are flaky on a loaded machine. docs/performance.md quotes it.
 */
@ExtendWith(LocalKafkaExtension.class)
class SlowClientsTest {

    private static final String KEY = "slow-key";
    private static final String METRIC = "{\"name\":\"checkout_ms\",\"value\":87}";
    /** The shipped defaults this test expects; GatewayConfigTest pins them. */
    private static final int MAX_CONNECTIONS_PER_IP = 256;
    private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MIN_RATE_GRACE = Duration.ofSeconds(5);
    /**
     * How late a cut-off may come and still pass: the sweep runs every 250 ms, but on a loaded 2-core machine the
     * swarm's own thread, a thousand reconnections and the server share the CPUs (seen: up to 2.8 s late).
     */
    private static final Duration MARGIN = Duration.ofSeconds(8);
    /**
     * How late the swarm may see a cut-off of the thousand-connection run: its one NIO thread notices endings late
     * when the machine is busy (seen in CI beside other builds: 49 bodies seen cut at 19.7 s, all at once, while the
     * ordinary client's p99 was 67 ms). Bounded so that every cut still comes before Jetty's 30 s idle timeout,
     * which is what ended them before the limits existed.
     */
    private static final Duration SWARM_MARGIN = Duration.ofSeconds(19);

    private static GatewayServer gateway;

    @BeforeAll
    static void startGateway(LocalKafka kafka, @TempDir Path dir) throws Exception {
        // A thousand client sockets and their server ends live in this JVM: say so plainly rather than fail on EMFILE.
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            assertThat(os.getMaxFileDescriptorCount()).as("open-file limit (ulimit -n) for 2 000 sockets plus the broker's files")
                    .isGreaterThanOrEqualTo(4096);
        }
        String topic = kafka.uniqueTopicName("slow-metrics");
        kafka.createTopic(topic, 1);
        gateway = GatewayServer.start(GatewayFixture.config(dir, Map.of("metrics", topic), """
                http: {host: 127.0.0.1, port: 0, access-log: false}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: slow}]
                """.formatted(kafka.bootstrapServers(), KEY)));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void shouldServeOrdinaryRequestsAndCutSlowClientsOffWhenAThousandSlowConnectionsAreOpen() throws Exception {
        int bodyDribblers = 800;
        int headDribblers = 200;
        // Eight source addresses, 125 connections each: under the per-IP cap, so the cap is not what saves us here.
        List<InetAddress> sources = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sources.add(InetAddress.getByName("127.0.1." + (10 + i)));
        }
        try (SlowSwarm swarm = new SlowSwarm(gateway.port(), "/api/metrics", KEY, Duration.ofSeconds(5))) {
            for (int i = 0; i < sources.size(); i++) {
                swarm.open(Kind.BODY, sources.get(i), bodyDribblers / sources.size());
                swarm.open(Kind.HEADERS, sources.get(i), headDribblers / sources.size());
            }
            // Every connection attempted: opened, or failed to (the assertions below allow for a few failures).
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> swarm.opened() + swarm.connectFailures() >= bodyDribblers + headDribblers);
            // And accepted by the server, so the load below meets all of them.
            Gauge open = gateway.registry().get("ingest.connections.open").gauge();
            await().atMost(Duration.ofSeconds(30)).until(() -> open.value() >= swarm.open() - 10);
            int openAtStart = swarm.open();

            // Measured, not assumed: how many of the server's threads are busy while the slow connections are open.
            Gauge busy = gateway.registry().get("jetty.threads.busy").gauge();
            AtomicLong maxBusy = new AtomicLong();
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
            sampler.scheduleAtFixedRate(() -> maxBusy.accumulateAndGet((long) busy.value(), Math::max), 0, 200, TimeUnit.MILLISECONDS);
            Load load;
            try {
                load = wellBehavedLoad(gateway.port(), 30, Duration.ofSeconds(20), Duration.ofSeconds(10));
            } finally {
                sampler.shutdownNow();
            }
            int openAtEnd = swarm.open();
            Duration oldestBody = swarm.oldestOpen(Kind.BODY);
            Duration oldestHead = swarm.oldestOpen(Kind.HEADERS);
            swarm.stopReplacing();
            List<Ending> endings = swarm.endings();
            List<Ending> bodyEndings = endings.stream().filter(e -> e.kind() == Kind.BODY).toList();
            List<Ending> headEndings = endings.stream().filter(e -> e.kind() == Kind.HEADERS).toList();
            String report = "SLOW-CLIENTS slow connections open at start %d, at end %d, opened in all %d, connect failures %d; "
                    .formatted(openAtStart, openAtEnd, swarm.opened(), swarm.connectFailures())
                    + "body dribblers cut %d (408: %d, closed: %d, longest %s), head dribblers cut %d (longest %s); "
                    .formatted(bodyEndings.size(), count(bodyEndings, 408), count(bodyEndings, 0), longest(bodyEndings),
                            headEndings.size(), longest(headEndings))
                    + "oldest still open: body %s, head %s; ".formatted(oldestBody, oldestHead)
                    + "Jetty threads busy, most seen %d (pool max %.0f); ".formatted(maxBusy.get(),
                    gateway.registry().get("jetty.threads.config.max").gauge().value())
                    + load;
            System.out.println(report);

            assertThat(openAtStart).as(report).isGreaterThanOrEqualTo(bodyDribblers + headDribblers - 10);
            assertThat(load.succeeded()).as(report).isGreaterThanOrEqualTo((int) Math.ceil(load.sent() * 0.99));
            // Cut off promptly: a body at 1 byte / 5 s fails the minimum rate once its grace is over; a head has its deadline.
            assertThat(bodyEndings).as(report).isNotEmpty();
            assertThat(bodyEndings).as(report).allSatisfy(e -> {
                assertThat(e.status()).isIn(408, 0);
                assertThat(e.lived()).isLessThanOrEqualTo(MIN_RATE_GRACE.plus(SWARM_MARGIN));
            });
            assertThat(count(bodyEndings, 408)).as(report).isPositive();
            assertThat(oldestBody).as(report).isLessThanOrEqualTo(MIN_RATE_GRACE.plus(SWARM_MARGIN));
            assertThat(headEndings).as(report).isNotEmpty();
            assertThat(headEndings).as(report).allSatisfy(e -> assertThat(e.lived()).isLessThanOrEqualTo(HEADER_TIMEOUT.plus(SWARM_MARGIN)));
            assertThat(oldestHead).as(report).isLessThanOrEqualTo(HEADER_TIMEOUT.plus(SWARM_MARGIN));
        }
        String metrics = scrape();
        assertThat(metricValue(metrics, "ingest_connections_cut_total{reason=\"body_too_slow\"}")).isPositive();
        assertThat(metricValue(metrics, "ingest_connections_cut_total{reason=\"header_timeout\"}")).isPositive();
    }

    @Test
    void shouldCloseConnectionsBeyondThePerIpCapAtOnceAndAcceptAgainWhenTheyClose() throws Exception {
        InetAddress source = InetAddress.getByName("127.0.2.1");
        int extra = 20;
        double refusedBefore = metricValue(scrape(), "ingest_connections_refused_total{reason=\"per_ip\"}");
        List<SocketChannel> channels = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_CONNECTIONS_PER_IP + extra; i++) {
                channels.add(connect(source));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> closedByServer(channels) >= extra);
            int closed = closedByServer(channels);
            assertThat(closed).as("connections closed by the server out of " + channels.size()).isEqualTo(extra);
            // Another address is not affected by this one's connections.
            assertThat(ping(InetAddress.getByName("127.0.2.2"))).isEqualTo(204);
        } finally {
            for (SocketChannel channel : channels) {
                channel.close();
            }
        }
        double refused = metricValue(scrape(), "ingest_connections_refused_total{reason=\"per_ip\"}") - refusedBefore;
        assertThat(refused).isEqualTo(extra);
        // Once they are closed (the server notices it promptly) the address may connect again.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ping(source)).isEqualTo(204));
    }

    @Test
    void shouldHonourTheConfiguredDeadlinesAndStillAcceptAnHonestBodyThatArrivesInPieces(LocalKafka kafka, @TempDir Path dir)
            throws Exception {
        String topic = kafka.uniqueTopicName("slow-metrics-tight");
        kafka.createTopic(topic, 1);
        try (GatewayServer tight = GatewayServer.start(GatewayFixture.config(dir, Map.of("metrics", topic), """
                http: {host: 127.0.0.1, port: 0, access-log: false, header-timeout: 1s, body-timeout: 2s, min-body-bytes-per-second: 0}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: slow}]
                """.formatted(kafka.bootstrapServers(), KEY)))) {
            byte[] body = METRIC.getBytes(StandardCharsets.UTF_8);
            String head = "POST /api/metrics HTTP/1.1\r\nHost: x\r\nX-Telemetry-Key: " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n";

            // Honest, in three pieces 300 ms apart, asking for 100-continue as curl does for large bodies.
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tight.port())) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write((head + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(statusLine(socket.getInputStream())).isEqualTo("HTTP/1.1 100 Continue");
                int third = body.length / 3;
                for (int[] piece : new int[][] {{0, third}, {third, 2 * third}, {2 * third, body.length}}) {
                    out.write(body, piece[0], piece[1] - piece[0]);
                    out.flush();
                    Thread.sleep(300);
                }
                assertThat(nextStatusLine(socket.getInputStream())).isEqualTo("HTTP/1.1 202 Accepted");
                // Kept alive and idle for longer than the header deadline: that is the idle timeout's business, not cut.
                Thread.sleep(1500);
                // The next request's head started and never finished: closed about 1 s after its first byte.
                long t0 = System.nanoTime();
                out.write("POST /api/metrics HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.getInputStream().readAllBytes();
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(MARGIN));
            }

            // Half a body, then nothing: 408 at the 2 s body deadline, and the connection closed.
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tight.port())) {
                socket.setSoTimeout(10_000);
                long t0 = System.nanoTime();
                socket.getOutputStream().write((head + "\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().write(body, 0, body.length / 2);
                InputStream in = socket.getInputStream();
                assertThat(statusLine(in)).isEqualTo("HTTP/1.1 408 Request Timeout");
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertThat(rest).containsIgnoringCase("Connection: close").contains("\"error\":\"request_timeout\"");
                assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(2).plus(MARGIN));
            }

            // A connection that never sends a head: closed at the 1 s header deadline.
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), tight.port())) {
                socket.setSoTimeout(10_000);
                long t0 = System.nanoTime();
                assertThat(socket.getInputStream().read()).isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(1).plus(MARGIN));
            }
            String metrics = GatewayFixture.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + tight.port() + "/metrics")).build()).body();
            assertThat(metricValue(metrics, "ingest_connections_cut_total{reason=\"body_timeout\"")).isEqualTo(1);
            assertThat(metricValue(metrics, "ingest_connections_cut_total{reason=\"header_timeout\"")).isEqualTo(2);
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /** Skips the rest of an interim (1xx) answer, its blank line, and reads the next status line. */
    private static String nextStatusLine(InputStream in) throws IOException {
        String line = statusLine(in);
        while (line.isEmpty()) {
            line = statusLine(in);
        }
        return line;
    }

    /** An ordinary client: {@code perSecond} requests a second for {@code duration}, each given {@code timeout}. */
    record Load(int sent, int succeeded, int timedOut, int otherwise, long p50Millis, long p99Millis, long maxMillis) {

        @Override
        public String toString() {
            return "well-behaved requests sent %d, succeeded %d (%.2f %%), timed out %d, otherwise failed %d, p50 %d ms, p99 %d ms, max %d ms"
                    .formatted(sent, succeeded, 100.0 * succeeded / Math.max(1, sent), timedOut, otherwise, p50Millis, p99Millis, maxMillis);
        }
    }

    static Load wellBehavedLoad(int port, int perSecond, Duration duration, Duration timeout) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/metrics"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("X-Telemetry-Key", KEY)
                .POST(HttpRequest.BodyPublishers.ofString(METRIC))
                .build();
        int total = (int) (perSecond * duration.toSeconds());
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long start = System.nanoTime();
        List<CompletableFuture<long[]>> calls = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            long due = start + i * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            long t0 = System.nanoTime();
            // {status (0: timed out, -1: other failure), latency in ms}
            calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> new long[] {
                            response != null ? response.statusCode()
                                    : error instanceof java.net.http.HttpTimeoutException
                                    || error.getCause() instanceof java.net.http.HttpTimeoutException ? 0 : -1,
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)}));
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(timeout.toSeconds() + 30, TimeUnit.SECONDS);
        int succeeded = 0;
        int timedOut = 0;
        int otherwise = 0;
        long[] latencies = new long[total];
        for (int i = 0; i < total; i++) {
            long[] call = calls.get(i).join();
            latencies[i] = call[1];
            if (call[0] == 202) {
                succeeded++;
            } else if (call[0] == 0) {
                timedOut++;
            } else {
                otherwise++;
            }
        }
        Arrays.sort(latencies);
        return new Load(total, succeeded, timedOut, otherwise, percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies[total - 1]);
    }

    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static long count(List<Ending> endings, int status) {
        return endings.stream().filter(e -> e.status() == status).count();
    }

    private static Duration longest(List<Ending> endings) {
        return endings.stream().map(Ending::lived).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    private static SocketChannel connect(InetAddress source) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.bind(new InetSocketAddress(source, 0));
        channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.port()));
        channel.configureBlocking(false);
        return channel;
    }

    /** How many of {@code channels} the server has closed (each is non-blocking, so this only looks). */
    private static int closedByServer(List<SocketChannel> channels) {
        return (int) channels.stream().filter(SlowClientsTest::closedByServer).count();
    }

    private static boolean closedByServer(SocketChannel channel) {
        try {
            return channel.read(ByteBuffer.allocate(1)) < 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** {@code GET /api/ping} from {@code source} on a connection of its own; the status, or -1 if the connection was closed. */
    private static int ping(InetAddress source) throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.bind(new InetSocketAddress(source, 0));
            channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), gateway.port()));
            channel.socket().setSoTimeout(5000);
            channel.write(ByteBuffer.wrap("GET /api/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            byte[] answer = channel.socket().getInputStream().readNBytes(12);
            String line = new String(answer, StandardCharsets.ISO_8859_1);
            return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String scrape() throws Exception {
        return GatewayFixture.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/metrics")).build()).body();
    }

    /** The value of the sample whose name and labels start with {@code prefix}, e.g. {@code x_total{reason="a"}}; 0 if absent. */
    private static double metricValue(String scrape, String prefix) {
        String labels = prefix.endsWith("}") ? prefix.substring(0, prefix.length() - 1) : prefix;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(labels)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
