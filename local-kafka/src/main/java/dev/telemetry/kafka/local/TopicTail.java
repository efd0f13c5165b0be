package dev.telemetry.kafka.local;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
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

/**
 * Prints the value of every record of a topic as one UTF-8 line on stdout, like {@code kcat -C};
 * backs {@code ./telemetry read <topic>}. Reads without a consumer group and sees committed records only.
 */
public final class TopicTail {

    private static final String USAGE = "usage: topic-tail --bootstrap-server <host:port> --topic <name>"
            + " [--from-beginning[=true|false]] [--max-messages <n>] [--timeout-ms <ms>]";
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(15);

    private TopicTail() {
    }

    public static void main(String[] args) {
        CliLogging.install();
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.exit(run(args, out, System.err));
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
                    if (System.nanoTime() - idleSince >= Duration.ofMillis(timeoutMs).toNanos()) {
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
        } catch (TimeoutException e) {
            err.println("topic-tail: no answer from " + bootstrap + " (is the broker running?): " + e.getMessage());
            return 1;
        } catch (KafkaException e) {
            err.println("topic-tail: reading " + topic + " from " + bootstrap + " failed: " + e.getMessage());
            return 1;
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
