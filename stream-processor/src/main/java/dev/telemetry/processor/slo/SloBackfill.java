package dev.telemetry.processor.slo;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.processor.slo.spec.SliType;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.service.kafka.TimeSeek;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Fills a newly added SLO's ring from the raw topics' history: {@code ./telemetry slo backfill NAME}.
 *
 * <p><b>Design: why nothing is counted twice.</b> Every window of a series (SLO and app) is owned by exactly one
 * writer, and the owner is decided inside the {@link SloProcessor}, in the same exactly-once task that counts the
 * live events, never by this tool:
 * <ul>
 *   <li>The processor keeps, per series, its <em>live start</em> ({@link SloSeriesState#liveStart}): the earliest
 *       window the live path counted into. It is set when the series is first seen and moved earlier only by a
 *       live count for an earlier window, which must still be open (late counts are dropped). So every live count
 *       lies in a window at or after the live start.</li>
 *   <li>This tool reads the raw topics the SLI needs ({@link #rawTopics}) from {@code now - period} (or the
 *       oldest retained record) up to their end offsets when it started, runs every envelope through
 *       {@link SloObservations} exactly as the live path does, and sums good and total per series and window
 *       (the window of the envelope's event time, as {@code EnvelopeEventTimeExtractor} gives the live path).</li>
 *   <li>It sends those <em>whole-window totals</em> as backfill batches ({@link SloCount#backfill}) into the SLO
 *       repartition topic, under the series' key, so they meet the live counts in the same task and store.</li>
 *   <li>The processor <em>sets</em> (never adds) a backfilled total only into a window that is before the live start
 *       <em>and</em> closed (at or before the series' latest closed window, or the clock's when the series has none
 *       closed or does not exist), and inside the ring's period. A closed window takes no more live counts, and one
 *       before the live start never had any, so it holds backfilled counts only; a window at or after the live
 *       start is left to the live path. Setting makes a batch idempotent: re-running the backfill, or a batch
 *       redelivered after a crash, writes the same totals again. After setting, the processor recomputes the
 *       ring's cumulative sums once, so the next window close reports and alerts on the filled period; history
 *       itself is not reported, and alerts are not replayed.</li>
 *   <li>For a series that does not exist yet (the SLO saw no live event), the live start becomes the window after
 *       the latest closed one: every later window is the live path's.</li>
 * </ul>
 * What can be missed (never doubled): an event of a window before the live start that reached its raw topic after
 * this tool took the end offsets, and any event of a window the live path closed while still open here; and
 * windows older than the raw topics' retention (7 days by default), which the ring then starts after.
 *
 * <p>Not run at start-up: the processor cannot tell which SLOs lack history before its stores are restored, and
 * reading a week of raw topics on every start would slow every restart; running the command after adding an SLO
 * (it is safe at any time, and safe to repeat) does the same.
 */
public final class SloBackfill {

    /** One window's totals as read from the raw topics. */
    public record WindowTotal(long windowStart, double good, double total) {
    }

    /** Windows per backfill record: 20 000 windows of 24 bytes stay under Kafka's default 1 MB record size. */
    static final int BATCH = 20_000;

    private final Slo slo;
    private final SloObservations observations;
    private final long size;
    private final Map<String, TreeMap<Long, double[]>> totals = new HashMap<>();

    public SloBackfill(Slo slo, Duration windowSize) {
        this.slo = slo;
        this.observations = new SloObservations(List.of(slo));
        this.size = windowSize.toMillis();
    }

    /** The raw topics the SLI's events come from. */
    public static List<Topic> rawTopics(SliType type) {
        return switch (type) {
            case AVAILABILITY, LATENCY -> List.of(Topic.REQUESTS);
            case VITAL -> List.of(Topic.VITALS);
            case SYNTHETIC -> List.of(Topic.SYNTHETIC);
            case RATIO -> List.of(Topic.METRICS);
        };
    }

    /** Counts one raw envelope, as the live path would. */
    public void add(Envelope envelope) {
        if (envelope == null) {
            return;
        }
        long time = envelope.eventTime().toEpochMilli();
        long window = time - Math.floorMod(time, size);
        for (var count : observations.of(envelope)) {
            double[] sum = totals.computeIfAbsent(count.key, k -> new TreeMap<>()).computeIfAbsent(window,
                    w -> new double[2]);
            sum[0] += count.value.good();
            sum[1] += count.value.total();
        }
    }

    /** The backfill records to send, by series key ({@code <slo>|<app>}): whole-window totals in batches. */
    public Map<String, List<SloCount>> batches() {
        Map<String, List<SloCount>> out = new LinkedHashMap<>();
        totals.forEach((key, windows) -> {
            List<SloCount> batches = new ArrayList<>();
            List<WindowTotal> batch = new ArrayList<>();
            for (Map.Entry<Long, double[]> w : windows.entrySet()) {
                batch.add(new WindowTotal(w.getKey(), w.getValue()[0], w.getValue()[1]));
                if (batch.size() == BATCH) {
                    batches.add(SloCount.backfill(batch));
                    batch = new ArrayList<>();
                }
            }
            if (!batch.isEmpty()) {
                batches.add(SloCount.backfill(batch));
            }
            out.put(key, batches);
        });
        return out;
    }

    /** The SLO repartition topic the live counts travel through, which the backfill batches join. */
    public static String repartitionTopic(String applicationId) {
        return applicationId + "-slo-counts-by-slo-repartition";
    }

    /**
     * Reads the SLO's raw topics from now - period to their current end and sends the whole-window totals to the
     * processor's SLO repartition topic (see the class comment); the command is {@code SloBackfillMain}.
     */
    public static int backfill(String bootstrapServers, String applicationId, ProcessorSettings settings, Slo slo,
                               PrintStream out, Duration timeout) {
        SloBackfill backfill = new SloBackfill(slo, settings.windowSize());
        long from = Instant.now().minus(slo.period()).toEpochMilli();
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long read = 0;
        try (KafkaConsumer<String, Envelope> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                JsonSerde.envelope().deserializer())) {
            String repartition = repartitionTopic(applicationId);
            List<PartitionInfo> target = consumer.partitionsFor(repartition, timeout);
            if (target == null || target.isEmpty()) {
                throw new IllegalStateException("topic " + repartition + " does not exist: the processor (application id "
                        + applicationId + ") creates it when it first starts; start it (./telemetry up) first");
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic topic : rawTopics(slo.sli().type())) {
                String topicName = settings.topics().name(topic);
                List<PartitionInfo> infos = consumer.partitionsFor(topicName, timeout);
                if (infos == null || infos.isEmpty()) {
                    throw new IllegalStateException("topic " + topicName + " does not exist");
                }
                infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> remaining = new HashMap<>(TimeSeek.seek(consumer, partitions,
                    Instant.ofEpochMilli(from), timeout).ends());
            remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            while (!remaining.isEmpty()) {
                for (ConsumerRecord<String, Envelope> record : consumer.poll(Duration.ofMillis(500))) {
                    Long stop = remaining.get(new TopicPartition(record.topic(), record.partition()));
                    if (stop != null && record.offset() < stop) {
                        try {
                            backfill.add(record.value());
                            read++;
                        } catch (RuntimeException e) {
                            // A malformed envelope is skipped here as the live path skips it.
                        }
                    }
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
        } catch (org.apache.kafka.common.errors.SerializationException e) {
            throw new IllegalStateException("an unreadable record in the raw topics: " + e.getMessage(), e);
        }
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerProps.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_000_000);
        String topic = repartitionTopic(applicationId);
        int series = 0;
        long windows = 0;
        try (KafkaProducer<String, SloCount> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                SloCount.serde().serializer())) {
            for (Map.Entry<String, List<SloCount>> entry : backfill.batches().entrySet()) {
                series++;
                for (SloCount batch : entry.getValue()) {
                    windows += batch.backfill().size();
                    producer.send(new ProducerRecord<>(topic, entry.getKey(), batch));
                }
            }
            producer.flush();
        }
        out.println("SLO " + slo.name() + ": read " + read + " raw events since " + Instant.ofEpochMilli(from)
                + "; sent " + windows + " window totals for " + series + " app(s) to " + topic
                + "; the processor fills the windows before each app's live start (re-running is safe)");
        return 0;
    }
}
