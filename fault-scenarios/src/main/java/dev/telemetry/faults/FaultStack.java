package dev.telemetry.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.events.topic.Topic;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The broker, the gateway and the processor, each in its own JVM on free loopback ports, with a run directory of
 * their own (data, state, configs, logs). The processor can be put behind a {@link BlackholeProxy}: the broker then
 * has a second listener, {@code PROC}, advertised at the proxy's port, and the processor bootstraps through the
 * proxy, so every connection it makes to the broker crosses the proxy while the gateway connects directly.
 */
public final class FaultStack implements AutoCloseable {

    static final Duration BROKER_READY = Duration.ofSeconds(120);
    static final Duration SERVICE_READY = Duration.ofSeconds(120);
    private static final String HOST = "127.0.0.1";
    private static final int PARTITIONS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path runDir;
    private final String app;
    private final String key;
    private final String applicationId;
    private final int brokerPort;
    private final List<AutoCloseable> started = new ArrayList<>();
    private ServiceProcess broker;
    private ServiceProcess gateway;
    private ServiceProcess processor;
    private BlackholeProxy proxy;
    private URI gatewayUrl;
    private URI processorUrl;
    private PipelineCounter counter;
    private LateRecordsMonitor late;

    private FaultStack(Path runDir, String id) throws IOException {
        this.runDir = runDir;
        this.app = "fault-" + id;
        this.key = "fault-key-" + id;
        this.applicationId = "fault-processor-" + id;
        this.brokerPort = freePort();
    }

    /** Starts the three services (and the proxy when {@code proxied}) and returns once all are ready. */
    public static FaultStack start(ScenarioSettings settings, String scenario, boolean proxied) throws IOException {
        String id = UUID.randomUUID().toString().substring(0, 8);
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path runDir = Files.createDirectories(settings.workDir().resolve(scenario + "-" + stamp + "-" + id)).toAbsolutePath();
        FaultStack stack = new FaultStack(runDir, id);
        try {
            stack.startServices(settings, proxied);
            return stack;
        } catch (RuntimeException | IOException e) {
            stack.close();
            throw e;
        }
    }

    private void startServices(ScenarioSettings settings, boolean proxied) throws IOException {
        Launcher launcher = settings.launcher();
        Path logback = runDir.resolve("child-logback.xml");
        try (InputStream in = FaultStack.class.getResourceAsStream("child-logback.xml")) {
            Files.copy(in, logback, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> serviceJvm = List.of("-Dlogback.configurationFile=" + logback);

        List<String> brokerArgs = new ArrayList<>(List.of("--data-dir", runDir.resolve("kafka").toString(),
                "--port", String.valueOf(brokerPort), "--controller-port", String.valueOf(freePort()),
                "--partitions", String.valueOf(PARTITIONS)));
        String processorBootstrap = bootstrapServers();
        if (proxied) {
            int listenerPort = freePort();
            proxy = track(BlackholeProxy.start(0, listenerPort));
            brokerArgs.addAll(List.of("--extra-listener", "PROC:" + listenerPort + ":" + proxy.port()));
            processorBootstrap = HOST + ":" + proxy.port();
        }
        broker = track(new ServiceProcess("broker", launcher.command(Service.BROKER, List.of(), brokerArgs), Map.of(),
                runDir, Readiness.logLine("Kafka broker ready"))).start(BROKER_READY);

        int gatewayPort = freePort();
        gatewayUrl = URI.create("http://" + HOST + ":" + gatewayPort);
        // Rate limits far above the load: what is under test is Kafka's acknowledgement, not the token buckets.
        Path gatewayConfig = Files.writeString(runDir.resolve("gateway.yaml"), """
                http: {host: %s, port: %d, access-log: false}
                kafka: {bootstrap-servers: "%s"}
                keys: [{key: %s, app: %s, origins: ["*"]}]
                rate-limits:
                  per-key: {rate: 1000000, burst: 1000000}
                  per-ip: {rate: 1000000, burst: 1000000}
                  per-key-events: {rate: 100000000, burst: 100000000}
                """.formatted(HOST, gatewayPort, bootstrapServers(), key, app));
        gateway = track(new ServiceProcess("gateway", launcher.command(Service.GATEWAY, serviceJvm,
                List.of("--config", gatewayConfig.toString())), Map.of(), runDir,
                Readiness.http(gatewayUrl.resolve("/api/health")))).start(SERVICE_READY);

        int processorPort = freePort();
        processorUrl = URI.create("http://" + HOST + ":" + processorPort);
        Path processorConfig = Files.writeString(runDir.resolve("processor.yaml"), """
                kafka: {bootstrap-servers: "%s"}
                application-id: %s
                state-dir: "%s"
                http: {host: %s, port: %d}
                """.formatted(processorBootstrap, applicationId, runDir.resolve("processor-state"), HOST, processorPort));
        // The windows as the issue set them: through the environment, over the shipped processor.yaml.
        Map<String, String> windowsEnv = Map.of(
                "PROCESSOR_WINDOWS_SIZE", settings.windows().size().toMillis() + "ms",
                "PROCESSOR_WINDOWS_GRACE", settings.windows().grace().toMillis() + "ms");
        processor = track(new ServiceProcess("processor", launcher.command(Service.PROCESSOR, serviceJvm,
                List.of("--config", processorConfig.toString())), windowsEnv, runDir,
                Readiness.http(processorUrl.resolve("/health")))).start(SERVICE_READY);

        counter = track(new PipelineCounter(bootstrapServers(), Topic.METRICS.defaultName(), Topic.SUMMARIES.defaultName()));
        late = track(new LateRecordsMonitor(processorUrl.resolve("/metrics")));
    }

    /** Starts the processor again, same config, state directory and application id (after a kill or stop). */
    public void restartProcessor() {
        late.newRun();
        processor.start(SERVICE_READY);
    }

    /**
     * Why the processor will not summarise any more, or null while it may: its process exited, or its {@code /health}
     * answers 500 (Kafka Streams stopped after an error, which it does not recover from by itself).
     */
    public String processorFailure() {
        if (!processor.isAlive()) {
            return "the processor exited; see " + processor.log();
        }
        ProcessorHealth health = processorHealth();
        return health.status() == 500 ? "the processor is unhealthy (" + health + "); see " + processor.log() : null;
    }

    /** The processor's {@code /health}: HTTP status and Kafka Streams state, or status 0 when it does not answer. */
    public ProcessorHealth processorHealth() {
        try {
            HttpResponse<String> response = Readiness.HTTP.send(HttpRequest.newBuilder(processorUrl.resolve("/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode state = JSON.readTree(response.body()).findValue("kafka_streams_state");
            return new ProcessorHealth(response.statusCode(), state == null ? "?" : state.asText());
        } catch (IOException e) {
            return new ProcessorHealth(0, "no answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ProcessorHealth(0, "interrupted");
        }
    }

    /** @param status HTTP status of {@code /health} (200 running, 503 starting, 500 stopped or failed; 0: no answer) */
    public record ProcessorHealth(int status, String streamsState) {
        @Override
        public String toString() {
            return "/health " + status + ", Kafka Streams " + streamsState;
        }
    }

    /** The broker's own listener, which the gateway and the counting use; never the proxy. */
    public String bootstrapServers() {
        return HOST + ":" + brokerPort;
    }

    public ServiceProcess broker() {
        return broker;
    }

    public ServiceProcess gateway() {
        return gateway;
    }

    public ServiceProcess processor() {
        return processor;
    }

    /** The processor's proxy; only on a stack started {@code proxied}. */
    public BlackholeProxy proxy() {
        if (proxy == null) {
            throw new IllegalStateException("this stack was started without a proxy");
        }
        return proxy;
    }

    public URI gatewayUrl() {
        return gatewayUrl;
    }

    public PipelineCounter counter() {
        return counter;
    }

    public LateRecordsMonitor late() {
        return late;
    }

    /** The app the stack's ingest key is for: the load's events, and only those, carry it. */
    public String app() {
        return app;
    }

    public String key() {
        return key;
    }

    /** The processor's Kafka Streams application id: also its consumer group. */
    public String applicationId() {
        return applicationId;
    }

    public Path runDir() {
        return runDir;
    }

    /** Deletes a stopped stack's broker data and processor state, keeping its logs and configs. */
    public static void deleteData(Path runDir) throws IOException {
        for (String dir : List.of("kafka", "processor-state")) {
            Path root = runDir.resolve(dir);
            if (Files.exists(root)) {
                try (var paths = Files.walk(root)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.add(resource);
        return resource;
    }

    /** Stops everything, the last started first (processor before gateway before broker): SIGTERM, logs kept. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping the stack in " + runDir + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
