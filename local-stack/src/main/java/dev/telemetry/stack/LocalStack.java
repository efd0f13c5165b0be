package dev.telemetry.stack;

import dev.telemetry.alerts.AlertSink;
import dev.telemetry.alerts.config.SinkConfig;
import dev.telemetry.auditor.service.AuditorConfig;
import dev.telemetry.auditor.service.AuditorService;
import dev.telemetry.console.ConsoleServer;
import dev.telemetry.console.auth.Secrets;
import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.gateway.GatewayServer;
import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.kafka.local.LocalKafkaBroker;
import dev.telemetry.processor.StreamProcessor;
import dev.telemetry.processor.config.ProcessorConfig;
import dev.telemetry.prober.Prober;
import dev.telemetry.prober.config.ProberConfig;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole pipeline on one machine, in one JVM: a real KRaft broker, the catalogue's topics, and
 * the three services and the synthetic prober, each with its own configuration exactly as it would run
 * alone. Closing stops them in the reverse order: the prober first, then the gateway stops taking data
 * and flushes, the broker last.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    /** Where each service's configuration comes from: a file per service (or null for shipped defaults). */
    public record Options(Path dataDir, int kafkaPort, int controllerPort, int partitions,
                          String[] gatewayArgs, String[] processorArgs, String[] sinkArgs, String[] proberArgs,
                          String[] consoleArgs) {

        /** Options without a console configuration file (the console runs on its shipped defaults). */
        public Options(Path dataDir, int kafkaPort, int controllerPort, int partitions,
                       String[] gatewayArgs, String[] processorArgs, String[] sinkArgs, String[] proberArgs) {
            this(dataDir, kafkaPort, controllerPort, partitions, gatewayArgs, processorArgs, sinkArgs, proberArgs,
                    new String[0]);
        }
    }

    private final Deque<AutoCloseable> running = new ArrayDeque<>();
    private GatewayServer gateway;
    private StreamProcessor processor;
    private AlertSink sink;
    private Prober prober;
    private ConsoleServer console;
    private AuditorService auditor;
    private LocalKafkaBroker broker;
    private String sinkAdminToken;
    private String consoleWriteToken;

    private LocalStack() {
    }

    public static LocalStack start(Options options) {
        // Configs first: a typo must fail before anything is started.
        GatewayConfig gatewayConfig = GatewayConfig.load(options.gatewayArgs(), System.getenv());
        ProcessorConfig processorConfig = ProcessorConfig.load(options.processorArgs());
        SinkConfig loadedSink = SinkConfig.load(options.sinkArgs());
        ProberConfig proberConfig = ProberConfig.load(options.proberArgs());
        ConsoleConfig loadedConsole = ConsoleConfig.load(options.consoleArgs(), System.getenv());
        // Silences work out of the box on this machine: without configured tokens, this run gets random ones (the
        // sink's admin token, which only the console is given, and the console's write token, which the banner shows).
        SinkConfig sinkConfig = loadedSink.adminToken().isBlank() ? loadedSink.withAdminToken(Secrets.random(32)) : loadedSink;
        ConsoleConfig.Auth auth = loadedConsole.auth();
        ConsoleConfig consoleConfig = loadedConsole.withSilences(new ConsoleConfig.Silences(sinkConfig.adminToken(),
                loadedConsole.silences().requestTimeout())).withAuth(auth.writeToken().isBlank()
                ? new ConsoleConfig.Auth(auth.readToken(), Secrets.random(24), auth.sessionTtl(), auth.maxSessions()) : auth);

        LocalStack stack = new LocalStack();
        stack.sinkAdminToken = sinkConfig.adminToken();
        stack.consoleWriteToken = consoleConfig.auth().writeToken();
        try {
            stack.broker = LocalKafkaBroker.builder()
                    .dataDir(options.dataDir())
                    .brokerPort(options.kafkaPort())
                    .controllerPort(options.controllerPort())
                    .build()
                    .start();
            stack.running.push(stack.broker);
            LOG.info("Kafka broker ready on {} (data in {})", stack.broker.bootstrapServers(), options.dataDir());
            // Every service may rename topics; create what each of them will use.
            stack.broker.createTopics(TopicCatalogue.defaults(), options.partitions());
            stack.broker.createTopics(gatewayConfig.topicCatalogue(), options.partitions());
            stack.broker.createTopics(processorConfig.topicCatalogue(), options.partitions());
            stack.broker.createTopics(sinkConfig.topicCatalogue(), options.partitions());

            stack.sink = AlertSink.start(sinkConfig);
            stack.running.push(stack.sink);
            stack.processor = StreamProcessor.start(processorConfig);
            stack.running.push(stack.processor);
            // The independent audit of what the processor does with every raw record, on the processor's topics;
            // on an ephemeral port when the processor's is (a test's stack), else the shipped one (8085).
            AuditorConfig auditorConfig = AuditorConfig.load(null, System.getenv())
                    .withBootstrapServers(stack.broker.bootstrapServers()).withTopics(processorConfig.topics());
            if (processorConfig.http().port() == 0) {
                auditorConfig = auditorConfig.withHttp(new AuditorConfig.Http(auditorConfig.http().host(), 0));
            }
            stack.auditor = AuditorService.start(auditorConfig);
            stack.running.push(stack.auditor);
            stack.gateway = GatewayServer.start(gatewayConfig);
            stack.running.push(stack.gateway);
            // The prober posts to the gateway, so it starts after it and (pushed last) stops first.
            if (!proberConfig.checks().isEmpty()) {
                stack.prober = Prober.start(proberConfig);
                stack.running.push(stack.prober);
            }
            stack.broker.createTopics(consoleConfig.topicCatalogue(), options.partitions());
            // The console reads what the others write and shows their health: it follows this broker and
            // these services whatever its file says. Started last, so it is the first to stop.
            stack.console = ConsoleServer.start(consoleConfig.withBootstrapServers(stack.broker.bootstrapServers())
                    .withServices(new ConsoleConfig.Services(local(stack.gateway.port()), local(stack.processor.httpPort()),
                            local(stack.sink.httpPort()), stack.prober == null ? "" : local(stack.prober.opsPort())))
                    // The overview's processor lag: the processor's consumer group is its application id.
                    .withProcessorGroup(processorConfig.applicationId()));
            stack.running.push(stack.console);
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private static String local(int port) {
        return "http://127.0.0.1:" + port;
    }

    public AuditorService auditor() {
        return auditor;
    }

    public GatewayServer gateway() {
        return gateway;
    }

    public StreamProcessor processor() {
        return processor;
    }

    public AlertSink sink() {
        return sink;
    }

    /** The synthetic prober, or null when its configuration lists no checks. */
    public Prober prober() {
        return prober;
    }

    public ConsoleServer console() {
        return console;
    }

    /** The sink's admin token of this run (configured, or generated when blank); the console calls the sink with it. */
    public String sinkAdminToken() {
        return sinkAdminToken;
    }

    /** The console's write token of this run (configured, or generated when blank): log in with it to silence. */
    public String consoleWriteToken() {
        return consoleWriteToken;
    }

    public LocalKafkaBroker broker() {
        return broker;
    }

    @Override
    public void close() {
        while (!running.isEmpty()) {
            AutoCloseable service = running.pop();
            try {
                service.close();
            } catch (Exception e) {
                LOG.error("error while stopping {}", service.getClass().getSimpleName(), e);
            }
        }
    }
}
