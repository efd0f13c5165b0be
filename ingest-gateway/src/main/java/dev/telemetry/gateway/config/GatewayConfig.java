package dev.telemetry.gateway.config;

import dev.telemetry.events.ClockSkew;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import dev.telemetry.service.config.Require;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The gateway's typed configuration; shipped defaults are {@code gateway.yaml} on the classpath. */
public record GatewayConfig(Http http, Kafka kafka, Map<String, String> topics, List<IngestKey> keys,
                            Limits limits, Skew clockSkew, RateLimits rateLimits) {

    /**
     * Where the HTTP server listens, which proxies may name the client in {@code X-Forwarded-For}
     * (IP addresses or CIDR blocks), whether each request is logged, and how long and how slowly a client may
     * send: {@code headerTimeout} to complete a request head, {@code bodyTimeout} for the whole body, which must
     * also average {@code minBodyBytesPerSecond} once its first 5 s are over (0: no minimum), and
     * {@code idleTimeout} of silence on a connection. At most {@code maxConnectionsPerIp} connections per TCP peer
     * (trusted proxies exempt) and {@code maxConnections} in all.
     */
    public record Http(String host, int port, List<String> trustedProxies, boolean accessLog, Duration headerTimeout,
                       Duration bodyTimeout, long minBodyBytesPerSecond, Duration idleTimeout, int maxConnectionsPerIp,
                       int maxConnections) {

        public Http {
            trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        }
    }

    /** Producer settings that decide how long a request can wait for its acknowledgement. */
    public record Kafka(String bootstrapServers, Duration maxBlock, Duration requestTimeout, Duration deliveryTimeout,
                        Duration linger, int batchSizeBytes, long bufferMemoryBytes, String compression) {
    }

    /**
     * One application's ingest key and the browser origins allowed to use it (CORS); {@code "*"}
     * allows any origin, an empty list allows none (server-side senders send no {@code Origin}).
     */
    public record IngestKey(String key, String app, List<String> origins) {

        public IngestKey {
            origins = origins == null ? List.of() : List.copyOf(origins);
        }
    }

    /** A token bucket: {@code rate} requests per second on average, bursts of up to {@code burst}. */
    public record Bucket(double rate, int burst) {
    }

    /**
     * Token buckets per ingest key and per client IP (requests), and per ingest key (events: a request of n events
     * takes n tokens); a request over any is answered 429 + Retry-After.
     */
    public record RateLimits(Bucket perKey, Bucket perIp, Bucket perKeyEvents) {
    }

    /**
     * Request and event size limits: body bytes as sent and after gzip inflation, request header
     * bytes (larger headers are answered 431), items per batch and the per-event limits.
     */
    public record Limits(int bodyBytes, int inflatedBodyBytes, int headerBytes, int itemsPerBatch, int nameLength,
                         int textLength, int stackLength, int mapEntries, int mapDepth, int tags) {

        public dev.telemetry.events.validation.Limits events() {
            return new dev.telemetry.events.validation.Limits(nameLength, textLength, stackLength, mapEntries, mapDepth, tags);
        }
    }

    /** Bounds of a plausible client clock. */
    public record Skew(Duration maxPast, Duration maxFuture) {

        public ClockSkew policy() {
            return new ClockSkew(maxPast, maxFuture);
        }
    }

    /** Loads defaults, then {@code --config <file>} if given, then the environment. */
    public static GatewayConfig load(String[] args, Map<String, String> env) {
        return new ConfigLoader("/gateway.yaml", "GATEWAY", env).load(ConfigLoader.configFile(args), GatewayConfig.class, GatewayConfig::validate);
    }

    public TopicCatalogue topicCatalogue() {
        try {
            return TopicCatalogue.withOverrides(topics);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("topics", e.getMessage(), e);
        }
    }

    public static void validate(GatewayConfig c) {
        Require.present("http", c.http());
        Require.notBlank("http.host", c.http().host());
        Require.port("http.port", c.http().port());
        for (int i = 0; i < c.http().trustedProxies().size(); i++) {
            String proxy = c.http().trustedProxies().get(i);
            if (!dev.telemetry.gateway.http.IpMatcher.isValid(proxy)) {
                throw new ConfigException("http.trusted-proxies[" + i + "]", "'" + proxy
                        + "' is not an IP address or CIDR block (e.g. 10.0.0.0/8)");
            }
        }
        Require.positive("http.header-timeout", c.http().headerTimeout());
        Require.positive("http.body-timeout", c.http().bodyTimeout());
        Require.positive("http.idle-timeout", c.http().idleTimeout());
        if (c.http().minBodyBytesPerSecond() < 0) {
            throw new ConfigException("http.min-body-bytes-per-second", "must be 0 (no minimum) or a positive number of bytes per second");
        }
        Require.positive("http.max-connections-per-ip", c.http().maxConnectionsPerIp());
        Require.positive("http.max-connections", c.http().maxConnections());
        if (c.http().maxConnectionsPerIp() > c.http().maxConnections()) {
            throw new ConfigException("http.max-connections-per-ip", "must not exceed http.max-connections ("
                    + c.http().maxConnections() + ")");
        }
        Require.present("kafka", c.kafka());
        Require.notBlank("kafka.bootstrap-servers", c.kafka().bootstrapServers());
        Require.positive("kafka.max-block", c.kafka().maxBlock());
        Require.positive("kafka.request-timeout", c.kafka().requestTimeout());
        Require.notNegative("kafka.linger", c.kafka().linger());
        if (c.kafka().deliveryTimeout() == null
                || c.kafka().deliveryTimeout().compareTo(c.kafka().requestTimeout().plus(c.kafka().linger())) < 0) {
            // The producer refuses this combination; say so in our words, naming our key.
            throw new ConfigException("kafka.delivery-timeout", "must be at least kafka.request-timeout + kafka.linger");
        }
        Require.positive("kafka.batch-size-bytes", c.kafka().batchSizeBytes());
        Require.positive("kafka.buffer-memory-bytes", c.kafka().bufferMemoryBytes());
        if (c.kafka().batchSizeBytes() > c.kafka().bufferMemoryBytes()) {
            // The producer would accept this and then fail every send with an IllegalArgumentException (a 500).
            throw new ConfigException("kafka.batch-size-bytes", "must not exceed kafka.buffer-memory-bytes ("
                    + c.kafka().bufferMemoryBytes() + "): the producer could not allocate a single batch");
        }
        if (!Set.of("none", "gzip", "snappy", "lz4", "zstd").contains(c.kafka().compression())) {
            throw new ConfigException("kafka.compression", "must be one of none, gzip, snappy, lz4, zstd");
        }
        c.topicCatalogue();
        if (c.keys() == null || c.keys().isEmpty()) {
            throw new ConfigException("keys", "at least one ingest key is needed, or no client can send anything");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < c.keys().size(); i++) {
            IngestKey k = c.keys().get(i);
            Require.notBlank("keys[" + i + "].key", k.key());
            Require.notBlank("keys[" + i + "].app", k.app());
            if (!seen.add(k.key())) {
                throw new ConfigException("keys[" + i + "].key", "is listed twice");
            }
            for (String origin : k.origins()) {
                if (!origin.equals("*") && !origin.matches("https?://[^/\\s]+")) {
                    throw new ConfigException("keys[" + i + "].origins", "'" + origin
                            + "' is not an origin: use scheme://host[:port] without a path, or *");
                }
            }
        }
        Require.present("limits", c.limits());
        Require.positive("limits.body-bytes", c.limits().bodyBytes());
        Require.positive("limits.inflated-body-bytes", c.limits().inflatedBodyBytes());
        if (c.limits().headerBytes() < 1024) {
            throw new ConfigException("limits.header-bytes", "must be at least 1024, or ordinary browsers are refused");
        }
        Require.positive("limits.items-per-batch", c.limits().itemsPerBatch());
        Require.positive("limits.name-length", c.limits().nameLength());
        Require.positive("limits.text-length", c.limits().textLength());
        Require.positive("limits.stack-length", c.limits().stackLength());
        Require.positive("limits.map-entries", c.limits().mapEntries());
        Require.positive("limits.map-depth", c.limits().mapDepth());
        Require.positive("limits.tags", c.limits().tags());
        Require.present("clock-skew", c.clockSkew());
        Require.notNegative("clock-skew.max-past", c.clockSkew().maxPast());
        Require.notNegative("clock-skew.max-future", c.clockSkew().maxFuture());
        Require.present("rate-limits", c.rateLimits());
        bucket("rate-limits.per-key", c.rateLimits().perKey());
        bucket("rate-limits.per-ip", c.rateLimits().perIp());
        bucket("rate-limits.per-key-events", c.rateLimits().perKeyEvents());
        if (c.rateLimits().perKeyEvents().burst() < c.limits().itemsPerBatch()) {
            throw new ConfigException("rate-limits.per-key-events.burst", "must be at least limits.items-per-batch ("
                    + c.limits().itemsPerBatch() + "), or a full batch could never be accepted");
        }
    }

    private static void bucket(String key, Bucket b) {
        Require.present(key, b);
        if (!(b.rate() > 0) || !Double.isFinite(b.rate())) {
            throw new ConfigException(key + ".rate", "must be a positive number of requests per second");
        }
        Require.positive(key + ".burst", b.burst());
    }
}
