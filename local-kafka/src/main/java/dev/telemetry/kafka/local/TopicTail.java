package dev.telemetry.kafka.local;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prints the value of every record of a topic as one UTF-8 line on stdout, like {@code kcat -C};
 * backs {@code ./telemetry read <topic>}. Reads without a consumer group and sees committed records only.
 */
public final class TopicTail {

    private static final String USAGE = "usage: topic-tail --bootstrap-server <host:port> --topic <name>"
            + " [--from-beginning[=true|false]] [--max-messages <n>] [--timeout-ms <ms>]";
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);
    /** The consumer of a running {@link #run}, for a stop signal to wake. */
    private static final AtomicReference<KafkaConsumer<?, ?>> FOLLOWING = new AtomicReference<>();

    private TopicTail() {
    }

    public static void main(String[] args) {
        CliLogging.install();
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean exiting = new AtomicBoolean();
        // Following a topic ends with Ctrl-C or SIGTERM: that is the normal way out, not a failure (exit 0, what
        // was read printed). An exit of our own (System.exit below) keeps its code.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (exiting.get()) {
                return;
            }
            KafkaConsumer<?, ?> consumer = FOLLOWING.get();
            if (consumer != null) {
                consumer.wakeup();
            }
            try {
                finished.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.flush();
            Runtime.getRuntime().halt(0);
        }, "topic-tail-stop"));
        int code = run(args, out, System.err);
        exiting.set(true);
        finished.countDown();
        System.exit(code);
    }

    /**
     * Tails until {@code --max-messages} records were printed or no record arrived for {@code --timeout-ms};
     * without either it runs until the process is stopped.
     *
     * @return the exit code: 0 done, 1 failed, 2 bad arguments
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String bootstrap;
        String topic;
        boolean fromBeginning;
        long maxMessages;
        long timeoutMs;
        try {
            Args options = Args.parse(args,
                    Set.of("--bootstrap-server", "--topic", "--max-messages", "--timeout-ms"), Set.of("--from-beginning"));
            bootstrap = options.required("--bootstrap-server");
            topic = options.required("--topic");
            fromBeginning = options.flag("--from-beginning", true);
            maxMessages = options.number("--max-messages", Long.MAX_VALUE, 1, Long.MAX_VALUE);
            timeoutMs = options.number("--timeout-ms", Long.MAX_VALUE, 1, Long.MAX_VALUE);
        } catch (IllegalArgumentException e) {
            err.println("topic-tail: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(bootstrap))) {
            FOLLOWING.set(consumer);
            List<TopicPartition> partitions = consumer.partitionsFor(topic, METADATA_TIMEOUT).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                err.println("topic-tail: topic '" + topic + "' does not exist on " + bootstrap);
                return 1;
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long printed = 0;
            long idleSince = System.nanoTime();
            while (printed < maxMessages) {
                var records = consumer.poll(Duration.ofMillis(Math.min(500, timeoutMs)));
                if (records.isEmpty()) {
                    // In milliseconds: without --timeout-ms it is Long.MAX_VALUE, which overflows as nanoseconds.
                    if ((System.nanoTime() - idleSince) / 1_000_000 >= timeoutMs) {
                        break;
                    }
                    continue;
                }
                idleSince = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    out.println(record.value() == null ? "null" : new String(record.value(), StandardCharsets.UTF_8));
                    if (++printed >= maxMessages) {
                        break;
                    }
                }
            }
            out.flush();
            return 0;
        } catch (WakeupException e) {
            // Stopped by Ctrl-C or SIGTERM while following.
            out.flush();
            return 0;
        } catch (TimeoutException e) {
            err.println("topic-tail: no answer from " + bootstrap + " (is the broker running?): " + e.getMessage());
            return 1;
        } catch (KafkaException e) {
            err.println("topic-tail: reading " + topic + " from " + bootstrap + " failed: " + e.getMessage());
            return 1;
        } finally {
            FOLLOWING.set(null);
        }
    }

    private static Properties consumerProperties(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "topic-tail-" + UUID.randomUUID());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // Reading must never create the topic it was asked about.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        return props;
    }
}
