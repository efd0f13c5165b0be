package dev.telemetry.kafka.local;

import dev.telemetry.events.topic.TopicCatalogue;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * A real single-node KRaft Kafka broker (broker and controller in one) running inside this JVM,
 * for the local stack and for integration tests.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    // Generous: a cold JVM on a busy two-core machine can take many seconds to elect itself and unfence.
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDir;
    private final int requestedBrokerPort;
    private final int requestedControllerPort;
    private final Map<String, String> configOverrides;
    private final List<ExtraListener> extraListeners;

    private KafkaRaftServer server;
    private Admin admin;
    private volatile int brokerPort;
    private boolean closed;

    private LocalKafkaBroker(Builder builder) {
        this.dataDir = builder.dataDir.toAbsolutePath().normalize();
        this.requestedBrokerPort = builder.brokerPort;
        this.requestedControllerPort = builder.controllerPort;
        this.configOverrides = Map.copyOf(builder.configOverrides);
        this.extraListeners = List.copyOf(builder.extraListeners.values());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory unless it already holds a broker's data (which is then reused),
     * starts the broker and returns once it answers clients.
     *
     * @throws IllegalStateException if the broker cannot start; the message says why (e.g. which port is taken)
     */
    public synchronized LocalKafkaBroker start() {
        if (closed || server != null) {
            throw new IllegalStateException("a LocalKafkaBroker can be started once; this one is "
                    + (closed ? "closed" : "running"));
        }
        int port = resolvePort(requestedBrokerPort, "broker");
        int controllerPort = resolvePort(requestedControllerPort, "controller");
        List<ExtraListener> listeners = extraListeners.stream()
                .map(l -> l.bound(resolvePort(l.port(), "listener " + l.name()))).toList();
        Properties props = serverProperties(port, controllerPort, listeners);
        KafkaRaftServer starting = null;
        try {
            Files.createDirectories(logDir());
            checkDataDirNotInUse();
            if (!Files.exists(logDir().resolve("meta.properties"))) {
                format(props);
            }
            starting = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
            starting.startup();
            server = starting;
            brokerPort = port;
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis()));
            awaitReady();
            return this;
        } catch (Exception e) {
            IllegalStateException failure = new IllegalStateException("Kafka broker on " + HOST + ":" + port
                    + " (data in " + dataDir + ") failed to start: " + rootMessage(e), e);
            server = null;
            brokerPort = 0;
            try {
                closeAdmin();
                stop(starting);
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
    }

    /** The {@code bootstrap.servers} value for clients of this broker, e.g. {@code 127.0.0.1:9092}. */
    public String bootstrapServers() {
        if (brokerPort == 0) {
            throw new IllegalStateException("the broker has not been started");
        }
        return HOST + ":" + brokerPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Creates every catalogue topic with its {@code creationConfigs()}; topics that already exist are left as they are. */
    public void createTopics(TopicCatalogue catalogue, int partitions) {
        Map<String, NewTopic> topics = new LinkedHashMap<>();
        catalogue.all().forEach((topic, name) -> topics.putIfAbsent(name,
                new NewTopic(name, partitions, (short) 1).configs(topic.creationConfigs())));
        create(topics.values());
    }

    /** Creates one topic; an existing topic of that name is left as it is. */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        create(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)));
    }

    private synchronized void create(Collection<NewTopic> topics) {
        Admin client = runningAdmin();
        List<String> names = topics.stream().map(NewTopic::name).toList();
        client.createTopics(topics).values().forEach((name, future) -> {
            try {
                future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + name + ": " + rootMessage(e), e);
                }
            } catch (InterruptedException | TimeoutException e) {
                throw interruptedOrTimedOut("creating topic " + name, e);
            }
        });
        awaitMetadata(client, names);
    }

    // The controller acknowledges a new topic before the broker's metadata has it; waiting here means a
    // caller can assign partitions or describe configs right away.
    private static void awaitMetadata(Admin client, List<String> names) {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                await(client.describeTopics(names).allTopicNames(), "describing topics " + names);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + names + " did not appear: " + rootMessage(e), e);
                }
                pause();
            }
        }
    }

    /** Stops the broker and waits until it has shut down; calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAdmin();
        stop(server);
        server = null;
    }

    private void closeAdmin() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
    }

    private Path logDir() {
        return dataDir.resolve("log");
    }

    // Kafka takes this lock only after its controller has joined the metadata quorum on disk, so a second
    // broker on the same directory would bump the running one's Raft epoch (leaving it unable to shut down)
    // before failing. Checking first keeps the running broker intact.
    private void checkDataDirNotInUse() throws IOException {
        Path lockFile = logDir().resolve(".lock");
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw dataDirInUse();
            }
            lock.release();
        } catch (OverlappingFileLockException e) {
            throw dataDirInUse();
        }
    }

    private IllegalStateException dataDirInUse() {
        return new IllegalStateException("data directory " + dataDir
                + " is in use by another running broker; stop it or choose another directory");
    }

    private Properties serverProperties(int port, int controllerPort, List<ExtraListener> listeners) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        // A static voter set, not a dynamic quorum: the controller port may then change between restarts.
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        StringBuilder bound = new StringBuilder("PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
        StringBuilder advertised = new StringBuilder("PLAINTEXT://" + HOST + ":" + port);
        StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        for (ExtraListener listener : listeners) {
            bound.append(',').append(listener.name()).append("://").append(HOST).append(':').append(listener.port());
            advertised.append(',').append(listener.name()).append("://").append(HOST).append(':').append(listener.advertisedPort());
            protocols.append(',').append(listener.name()).append(":PLAINTEXT");
        }
        props.put("listeners", bound.toString());
        props.put("advertised.listeners", advertised.toString());
        props.put("listener.security.protocol.map", protocols.toString());
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir().toString());

        // One node: every internal topic must fit on it, or groups and transactions never become available.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions make the first consumer group and the first transaction start faster.
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.num.partitions", "5");
        props.put("share.coordinator.state.topic.num.partitions", "5");
        props.put("num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");

        // Sized for a laptop or a test JVM rather than a production host.
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        props.put("log.cleaner.threads", "1");

        props.putAll(configOverrides);
        return props;
    }

    private void format(Properties props) throws IOException {
        Path propsFile = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(propsFile)) {
            props.store(out, "Written by LocalKafkaBroker to format the storage; the broker itself is configured in code.");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream printed = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            exitCode = StorageTool.execute(new String[] {
                    "format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString()}, printed);
        }
        if (exitCode != 0) {
            throw new IllegalStateException("formatting " + logDir() + " failed: "
                    + output.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private void awaitReady() throws ExecutionException {
        var nodes = await(admin.describeCluster(new DescribeClusterOptions()
                .timeoutMs((int) STARTUP_TIMEOUT.toMillis())).nodes(), "waiting for the broker to answer");
        if (nodes.isEmpty()) {
            throw new IllegalStateException("the broker answers but reports no nodes");
        }
    }

    private static <T> T await(KafkaFuture<T> future, String what) throws ExecutionException {
        try {
            return future.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException | TimeoutException e) {
            throw interruptedOrTimedOut(what, e);
        }
    }

    private static RuntimeException interruptedOrTimedOut(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            return new IllegalStateException("interrupted while " + what, e);
        }
        return new IllegalStateException("timed out " + what, e);
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for topic metadata", e);
        }
    }

    private Admin runningAdmin() {
        if (admin == null) {
            throw new IllegalStateException("the broker is not running");
        }
        return admin;
    }

    private static int resolvePort(int port, String role) {
        try (ServerSocket socket = new ServerSocket()) {
            // Probing first turns Kafka's generic bind failure into a message that names the port.
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(role + " port " + port + " on " + HOST
                    + " is already in use (another Kafka running?); choose another port", e);
        }
    }

    private static void stop(KafkaRaftServer server) {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return Objects.requireNonNullElse(root.getMessage(), root.getClass().getSimpleName());
    }

    /**
     * A further plaintext listener beside {@code PLAINTEXT}: the broker listens on {@code port} and tells the
     * clients that bootstrap through it to connect to {@code advertisedPort} on {@value #HOST}. With a proxy on
     * the advertised port forwarding to {@code port}, every connection of those clients goes through the proxy
     * (the fault scenarios cut one service off the broker that way while the others still reach it).
     *
     * @param port           0 for any free port
     * @param advertisedPort 0 for the port the listener is bound to
     */
    public record ExtraListener(String name, int port, int advertisedPort) {

        private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

        public ExtraListener {
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("listener name '" + name + "' must be upper case letters, digits and _");
            }
            if (name.equals("PLAINTEXT") || name.equals("CONTROLLER")) {
                throw new IllegalArgumentException("listener name " + name + " is taken by the broker itself");
            }
            Builder.checkPort(port);
            Builder.checkPort(advertisedPort);
        }

        /** Parses {@code NAME:PORT[:ADVERTISED_PORT]}, e.g. {@code PROC:19094:29094}. */
        public static ExtraListener parse(String spec) {
            String[] parts = spec.trim().split(":", -1);
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException("listener '" + spec + "' is not NAME:PORT[:ADVERTISED_PORT]");
            }
            try {
                int port = Integer.parseInt(parts[1]);
                return new ExtraListener(parts[0], port, parts.length == 3 ? Integer.parseInt(parts[2]) : 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("listener '" + spec + "': ports must be numbers", e);
            }
        }

        private ExtraListener bound(int boundPort) {
            return new ExtraListener(name, boundPort, advertisedPort == 0 ? boundPort : advertisedPort);
        }
    }

    /** Configures a {@link LocalKafkaBroker}; port 0 means any free port. */
    public static final class Builder {
        private Path dataDir;
        private int brokerPort;
        private int controllerPort;
        private final Map<String, String> configOverrides = new LinkedHashMap<>();
        private final Map<String, ExtraListener> extraListeners = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        public Builder brokerPort(int port) {
            this.brokerPort = checkPort(port);
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port);
            return this;
        }

        /** Adds a listener beside {@code PLAINTEXT} (see {@link ExtraListener}); one of the same name is replaced. */
        public Builder extraListener(ExtraListener listener) {
            extraListeners.put(listener.name(), Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Overrides one broker setting, e.g. {@code log.retention.ms}. The listener settings are derived from
         * the ports and {@link #extraListener}s; overriding them here replaces them whole.
         */
        public Builder config(String key, String value) {
            configOverrides.put(key, value);
            return this;
        }

        public LocalKafkaBroker build() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is required");
            }
            if (brokerPort != 0 && brokerPort == controllerPort) {
                throw new IllegalStateException("broker and controller need different ports, both are " + brokerPort);
            }
            for (ExtraListener listener : extraListeners.values()) {
                if (listener.port() != 0 && (listener.port() == brokerPort || listener.port() == controllerPort)) {
                    throw new IllegalStateException("listener " + listener.name() + " needs a port of its own, not "
                            + listener.port());
                }
            }
            return new LocalKafkaBroker(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (any free port) to 65535, not " + port);
            }
            return port;
        }
    }
}
