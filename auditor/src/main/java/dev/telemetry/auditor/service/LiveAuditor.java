package dev.telemetry.auditor.service;

import dev.telemetry.auditor.AuditReader;
import dev.telemetry.auditor.AuditRow;
import dev.telemetry.auditor.Reconciler;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.AuditRecord;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.kafka.TimeSeek;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit, continuously: one {@code read_committed} consumer (no group, nothing committed) follows
 * {@code telemetry.audit} and the raw topics, each raw partition read only as far as the processor's progress says it
 * accounted, so every raw record read can be judged; every check interval the windows whose account is complete are
 * judged. Each judged window is recorded (a log line and {@code auditor_windows_total{status}}); a mismatch, with
 * both sides, raises one {@code audit_mismatch} alert (critical) per app and raw topic on {@code telemetry.alerts},
 * which the next matching window of that app and topic resolves. State is rebuilt from the topics at start (from
 * {@code lookback} back), so a restart forgets nothing that matters and the service keeps none of its own.
 */
public final class LiveAuditor implements AutoCloseable {

    static final String RULE = "audit_mismatch";
    private static final Logger LOG = LoggerFactory.getLogger(LiveAuditor.class);
    private static final Duration RAW_LOOKBACK = Duration.ofHours(1);

    private final AuditorConfig config;
    private final TopicCatalogue topics;
    private final Clock clock;
    private final JsonCodec codec = JsonCodec.standard();
    private final Reconciler reconciler = new Reconciler();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final Thread thread;
    private final Map<AuditRow.Status, Counter> judged = new HashMap<>();
    /** Per app|topic|window: the status last recorded, so each window is recorded once (again if it changes). */
    private final Map<String, AuditRow.Status> recorded = new HashMap<>();
    /** Per app|topic: the mismatch alert that is firing. */
    private final Map<String, AlertEvent> firing = new LinkedHashMap<>();
    private final AtomicLong lastPoll = new AtomicLong();
    private volatile boolean running = true;
    private volatile Throwable failure;
    private String auditTopic;

    private LiveAuditor(AuditorConfig config, MeterRegistry registry, Clock clock) {
        this.config = config;
        this.topics = config.topicCatalogue();
        this.clock = clock;
        this.consumer = new KafkaConsumer<>(AuditReader.consumerProperties(config.kafka().bootstrapServers(), "auditor"));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.kafka().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.CLIENT_ID_CONFIG, "auditor"),
                new StringSerializer(), new ByteArraySerializer());
        for (AuditRow.Status status : List.of(AuditRow.Status.MATCH, AuditRow.Status.MISMATCH)) {
            judged.put(status, Counter.builder("auditor_windows").description(
                    "Windows (per app and raw topic) judged by the audit, by outcome").tag("status", status.wireName())
                    .register(registry));
        }
        registry.gauge("auditor_alerts_firing", firing, Map::size);
        this.thread = new Thread(this::run, "auditor");
        this.thread.setDaemon(true);
    }

    public static LiveAuditor start(AuditorConfig config, MeterRegistry registry) {
        LiveAuditor auditor = new LiveAuditor(config, registry, Clock.systemUTC());
        auditor.thread.start();
        return auditor;
    }

    /** Whether the loop is alive and polled lately. */
    public boolean healthy() {
        return failure == null && thread.isAlive()
                && System.currentTimeMillis() - lastPoll.get() < Math.max(60_000, 4 * config.checkInterval().toMillis());
    }

    public Map<String, Object> details() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("alerts_firing", firing.size());
        details.put("windows_matched", (long) judged.get(AuditRow.Status.MATCH).count());
        details.put("windows_mismatched", (long) judged.get(AuditRow.Status.MISMATCH).count());
        if (failure != null) {
            details.put("failure", String.valueOf(failure.getMessage()));
        }
        return details;
    }

    private void run() {
        try {
            Instant start = clock.instant().minus(config.lookback());
            auditTopic = topics.name(Topic.AUDIT);
            List<TopicPartition> audit = partitions(auditTopic);
            List<TopicPartition> raw = new ArrayList<>();
            for (Topic topic : Topic.values()) {
                if (topic.kind() == Topic.Kind.RAW) {
                    raw.addAll(partitions(topics.name(topic)));
                }
            }
            List<TopicPartition> all = new ArrayList<>(audit);
            all.addAll(raw);
            consumer.assign(all);
            seek(audit, start);
            seek(raw, start.minus(RAW_LOOKBACK));
            consumer.pause(raw); // until the processor's progress says how far each is accounted
            long nextCheck = System.nanoTime();
            while (running) {
                lastPoll.set(System.currentTimeMillis());
                java.util.Set<TopicPartition> rewound = new java.util.HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.topic().equals(auditTopic)) {
                        audit(record);
                    } else {
                        raw(record, rewound);
                    }
                }
                gateRaw(raw);
                if (System.nanoTime() >= nextCheck) {
                    check();
                    nextCheck = System.nanoTime() + config.checkInterval().toNanos();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
            LOG.error("the auditor stopped: {}", e.toString(), e);
        } finally {
            consumer.close(); // on its own thread: a consumer is not thread-safe
        }
    }

    private void audit(ConsumerRecord<byte[], byte[]> record) {
        try {
            reconciler.audit(codec.read(record.value(), AuditRecord.class));
        } catch (InvalidJsonException e) {
            LOG.warn("skipped a record on {} at {}-{}: not an audit record ({})", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    /**
     * One raw record of a poll. The first one past the processor's account rewinds its partition to itself (read
     * again once the progress covers it); the poll's later records of that partition are skipped, or the rewind
     * would move past them.
     */
    private void raw(ConsumerRecord<byte[], byte[]> record, java.util.Set<TopicPartition> rewound) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (rewound.contains(tp)) {
            return;
        }
        long through = reconciler.readThrough(record.topic(), record.partition());
        if (record.offset() >= through) {
            consumer.seek(tp, record.offset());
            consumer.pause(List.of(tp));
            rewound.add(tp);
            return;
        }
        reconciler.raw(record.topic(), record.partition(), record.offset(), record.key(), record.value(),
                record.timestamp());
    }

    /** Reads each raw partition only below the processor's progress on it. */
    private void gateRaw(List<TopicPartition> raw) {
        List<TopicPartition> resume = new ArrayList<>();
        List<TopicPartition> pause = new ArrayList<>();
        for (TopicPartition tp : raw) {
            long position = consumer.position(tp);
            reconciler.rawReadTo(tp.topic(), tp.partition(), position);
            boolean behind = position < reconciler.readThrough(tp.topic(), tp.partition());
            boolean paused = consumer.paused().contains(tp);
            if (behind && paused) {
                resume.add(tp);
            } else if (!behind && !paused) {
                pause.add(tp);
            }
        }
        consumer.pause(pause);
        consumer.resume(resume);
    }

    /** Judges what can be judged; records each window once, alerts on mismatches, forgets old windows. */
    private void check() {
        Instant now = clock.instant();
        Instant horizon = now.minus(config.lookback());
        for (AuditRow row : reconciler.rows(horizon, now.plus(Duration.ofDays(1)), null)) {
            if (row.status() == AuditRow.Status.PENDING) {
                continue;
            }
            String key = row.app() + "|" + row.topic() + "|" + row.windowStart();
            if (recorded.put(key, row.status()) == row.status()) {
                continue;
            }
            judged.get(row.status()).increment();
            String alertKey = row.app() + "|" + row.topic();
            if (row.status() == AuditRow.Status.MISMATCH) {
                LOG.error("audit mismatch: {} on {} in window {}: published {}, accounted {} (summarised {}, late {},"
                                + " dead-lettered {}, overflowed {}, not summarised {})", row.app(), row.topic(),
                        row.windowStart(), row.published(), row.accounted(), row.summarised(), row.late(),
                        row.deadLettered(), row.overflowed(), row.notSummarised());
                if (!firing.containsKey(alertKey)) {
                    AlertEvent alert = alert(row, AlertStatus.FIRING, null, now);
                    firing.put(alertKey, alert);
                    send(alert);
                }
            } else {
                LOG.debug("audit match: {} on {} in window {}: {} records", row.app(), row.topic(), row.windowStart(),
                        row.published());
                AlertEvent open = firing.get(alertKey);
                if (open != null && row.windowStart().isAfter(open.evaluatedAt().minusMillis(1))) {
                    firing.remove(alertKey);
                    send(new AlertEvent(AlertEvent.SCHEMA_VERSION, open.fingerprint(), AlertStatus.RESOLVED, RULE,
                            open.metric(), open.stat(), open.labels(), 0, 0, open.operator(), open.severity(),
                            open.channels(), open.annotations(), open.startsAt(), now, row.windowEnd()));
                }
            }
        }
        reconciler.forgetBefore(horizon);
        recorded.keySet().removeIf(k -> Instant.parse(k.substring(k.lastIndexOf('|') + 1)).isBefore(horizon));
    }

    private AlertEvent alert(AuditRow row, AlertStatus status, Instant endsAt, Instant now) {
        long unaccounted = row.published() - row.accounted();
        Map<String, String> labels = Map.of("alertname", RULE, "app", row.app(), "topic", row.topic(),
                "severity", "critical");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", (unaccounted > 0 ? unaccounted + " record(s) of " + row.topic() + " unaccounted for"
                : -unaccounted + " record(s) of " + row.topic() + " accounted for twice") + " in window "
                + row.windowStart() + " (app " + row.app() + ")");
        annotations.put("description", "published " + row.published() + " = summarised " + row.summarised() + " + late "
                + row.late() + " + dead-lettered " + row.deadLettered() + " + overflowed " + row.overflowed()
                + " + not summarised " + row.notSummarised() + " does not hold (accounted " + row.accounted() + ")");
        annotations.put("window", row.windowStart() + "/" + row.windowEnd());
        annotations.put("runbook", "./telemetry audit --from " + row.windowStart() + " --app " + row.app());
        return new AlertEvent(AlertEvent.SCHEMA_VERSION, fingerprint(row.app(), row.topic()), status, RULE,
                "audit_unaccounted_records", "count", labels, Math.abs(unaccounted), 0, "gt", "critical",
                config.channels(), annotations, row.windowStart(), endsAt, row.windowEnd());
    }

    private void send(AlertEvent alert) {
        producer.send(new ProducerRecord<>(topics.name(Topic.ALERTS), alert.fingerprint(), codec.write(alert)),
                (metadata, e) -> {
                    if (e != null) {
                        LOG.error("could not send the {} alert {}: {}", alert.status(), alert.fingerprint(), e.toString());
                    }
                });
    }

    static String fingerprint(String app, String topic) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((RULE + "|" + app + "|" + topic)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<TopicPartition> partitions(String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofMinutes(5));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
    }

    private void seek(List<TopicPartition> partitions, Instant from) {
        TimeSeek.seek(consumer, partitions, from, Duration.ofMinutes(5));
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
