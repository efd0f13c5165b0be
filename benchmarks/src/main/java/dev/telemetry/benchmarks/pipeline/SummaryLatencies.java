package dev.telemetry.benchmarks.pipeline;

import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.serde.JsonSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the summaries topic as analysts read it ({@code read_committed}, no group) from its end, and notes for every
 * summary of the benchmark's app and metric when it was read: the latency of a window is the time from its
 * {@code windowEnd} to that moment. The record's own timestamp is not used: Kafka Streams stamps its output with event
 * time, not with the time it was written. Fetches wait at most 50 ms on the broker, so reading adds little.
 */
final class SummaryLatencies implements AutoCloseable {

    /** One summary: its window, and the wall-clock time it was read (epoch ms). */
    record Seen(long windowStart, long windowEnd, long readAt, long count) {
        double latencySeconds() {
            return (readAt - windowEnd) / 1000.0;
        }
    }

    /** The latencies of the windows that lie wholly inside {@code [from, to]} (epoch ms). */
    record Latency(int summaries, int windows, double p50, double p99, double max, long events) {
    }

    private final KafkaConsumer<String, Summary> consumer;
    private final String app;
    private final String metric;
    private final List<Seen> seen = new ArrayList<>();
    private final Thread reader;
    private volatile boolean stopped;
    private volatile RuntimeException failure;

    SummaryLatencies(String bootstrapServers, String topic, String app, String metric) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), JsonSerde.summary().deserializer());
        this.app = app;
        this.metric = metric;
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end now, not at the first poll
        this.reader = new Thread(this::read, "summary-latencies");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try {
            while (!stopped) {
                ConsumerRecords<String, Summary> records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<String, Summary> record : records) {
                    Summary summary = record.value();
                    if (summary != null && app.equals(summary.app()) && metric.equals(summary.metric())) {
                        synchronized (seen) {
                            seen.add(new Seen(summary.windowStart().toEpochMilli(), summary.windowEnd().toEpochMilli(),
                                    now, summary.count()));
                        }
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Latencies of the summaries of the windows wholly inside {@code [from, to]}; null when there are none. */
    Latency between(long from, long to) {
        if (failure != null) {
            throw new IllegalStateException("reading the summaries failed: " + failure, failure);
        }
        List<Seen> in;
        synchronized (seen) {
            in = seen.stream().filter(s -> s.windowStart() >= from && s.windowEnd() <= to).toList();
        }
        if (in.isEmpty()) {
            return null;
        }
        double[] latencies = in.stream().mapToDouble(Seen::latencySeconds).toArray();
        int windows = (int) in.stream().mapToLong(Seen::windowStart).distinct().count();
        return new Latency(in.size(), windows, Stats.percentile(latencies, 0.50), Stats.percentile(latencies, 0.99),
                Stats.percentile(latencies, 1.0), in.stream().mapToLong(Seen::count).sum());
    }

    @Override
    public void close() {
        stopped = true;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
