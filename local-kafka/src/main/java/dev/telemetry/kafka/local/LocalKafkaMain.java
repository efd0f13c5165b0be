package dev.telemetry.kafka.local;

import dev.telemetry.events.topic.TopicCatalogue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** Command line that runs a local broker with every catalogue topic until it is stopped (Ctrl-C or SIGTERM). */
public final class LocalKafkaMain {

    private static final String USAGE = "usage: local-kafka [--data-dir <dir>] [--port <n>] [--controller-port <n>]"
            + " [--partitions <n>] [--extra-listener NAME:PORT[:ADVERTISED_PORT][,...]]";

    private LocalKafkaMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        CliLogging.install();
        String dataDir;
        int port;
        int controllerPort;
        int partitions;
        List<LocalKafkaBroker.ExtraListener> extraListeners;
        try {
            Args options = Args.parse(args, Set.of("--data-dir", "--port", "--controller-port", "--partitions",
                    "--extra-listener"), Set.of());
            dataDir = options.string("--data-dir", ".local/kafka");
            port = (int) options.number("--port", 9092, 0, 65535);
            controllerPort = (int) options.number("--controller-port", 9093, 0, 65535);
            partitions = (int) options.number("--partitions", 3, 1, 1000);
            String listeners = options.string("--extra-listener", "");
            extraListeners = listeners.isBlank() ? List.of()
                    : Arrays.stream(listeners.split(",")).map(LocalKafkaBroker.ExtraListener::parse).toList();
        } catch (IllegalArgumentException e) {
            System.err.println("local-kafka: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }

        LocalKafkaBroker.Builder builder = LocalKafkaBroker.builder()
                .dataDir(Path.of(dataDir))
                .brokerPort(port)
                .controllerPort(controllerPort);
        extraListeners.forEach(builder::extraListener);
        LocalKafkaBroker broker = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        // The hook is the only way out once running: it lets the broker flush and close its logs before the JVM exits.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "local-kafka-shutdown"));
        try {
            broker.start();
            broker.createTopics(TopicCatalogue.defaults(), partitions);
        } catch (RuntimeException e) {
            System.err.println("local-kafka: " + e.getMessage());
            System.exit(1);
        }
        System.out.println("Kafka broker ready on " + broker.bootstrapServers()
                + " (data in " + dataDir + "; delete it to start fresh)");
        stopped.await();
    }
}
