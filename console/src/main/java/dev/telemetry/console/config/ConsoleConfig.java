package dev.telemetry.console.config;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import dev.telemetry.service.config.Require;
import java.time.Duration;
import java.util.Map;

/** The console's typed configuration; shipped defaults are {@code console.yaml} on the classpath. */
public record ConsoleConfig(Http http, Kafka kafka, Map<String, String> topics, Views views, Services services,
                            Auth auth, Silences silences, Overview overview) {

    public ConsoleConfig {
        // A file without an overview section gets its defaults.
        overview = overview == null ? Overview.DEFAULTS : overview;
        topics = topics == null ? Map.of() : Map.copyOf(topics);
        services = services == null ? new Services("", "", "", "") : services;
        auth = auth == null ? new Auth("", "") : auth;
        silences = silences == null ? new Silences("") : silences;
    }

    /**
     * The base URLs of the other services (e.g. {@code http://localhost:8080}): the overview shows their
     * {@code /health}, and silences go through the sink's API. Blank: not shown / not available.
     */
    public record Services(String gateway, String processor, String sink, String prober) {
        public Services {
            gateway = gateway == null ? "" : gateway;
            processor = processor == null ? "" : processor;
            sink = sink == null ? "" : sink;
            prober = prober == null ? "" : prober;
        }
    }

    /**
     * Who may use the console. readToken blank: reads are open (fine on localhost); set: every read needs it.
     * writeToken blank: nothing can be written (silences are read-only); set: writes need it, with CSRF protection.
     * A login lasts sessionTtl (default 12 h); at most maxSessions (default 1000) are kept, the oldest going first.
     */
    public record Auth(String readToken, String writeToken, Duration sessionTtl, Integer maxSessions) {
        public Auth {
            readToken = readToken == null ? "" : readToken;
            writeToken = writeToken == null ? "" : writeToken;
            sessionTtl = sessionTtl == null ? Duration.ofHours(12) : sessionTtl;
            maxSessions = maxSessions == null ? 1000 : maxSessions;
        }

        public Auth(String readToken, String writeToken) {
            this(readToken, writeToken, null, null);
        }

        @Override
        public String toString() {
            return "Auth[readToken=" + (readToken.isEmpty() ? "<none>" : "<redacted>")
                    + ", writeToken=" + (writeToken.isEmpty() ? "<none>" : "<redacted>")
                    + ", sessionTtl=" + sessionTtl + ", maxSessions=" + maxSessions + "]";
        }
    }

    /**
     * The alert sink's silences API: its admin token stays here, server-side, never sent to a browser.
     * requestTimeout bounds each call to the sink (default 15 s; the sink itself waits up to 10 s for the broker).
     */
    public record Silences(String adminToken, Duration requestTimeout) {
        public Silences {
            adminToken = adminToken == null ? "" : adminToken;
            requestTimeout = requestTimeout == null ? Duration.ofSeconds(15) : requestTimeout;
        }

        public Silences(String adminToken) {
            this(adminToken, null);
        }

        @Override
        public String toString() {
            return "Silences[adminToken=" + (adminToken.isEmpty() ? "<none>" : "<redacted>") + ", requestTimeout=" + requestTimeout + "]";
        }
    }

    /** A configuration without an {@code overview} section (its defaults). */
    public ConsoleConfig(Http http, Kafka kafka, Map<String, String> topics, Views views, Services services,
                         Auth auth, Silences silences) {
        this(http, kafka, topics, views, services, auth, silences, null);
    }

    /**
     * The overview's background sampling: services' health every {@code healthInterval} (each request at most
     * {@code healthTimeout}); the raw topics' end offsets and the processor's committed offsets (consumer group
     * {@code processorGroup}, the processor's application id) every {@code sampleInterval}, events accepted
     * counted per {@code bucket}, the newest {@code buckets} kept.
     */
    public record Overview(Duration healthInterval, Duration healthTimeout, Duration sampleInterval, Duration bucket,
                           int buckets, String processorGroup) {
        public static final Overview DEFAULTS = new Overview(Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofSeconds(5), Duration.ofMinutes(1), 60, "telemetry-processor");
    }

    /** Where the HTTP server (page, API, /health, /metrics) listens. */
    public record Http(String host, int port) {
    }

    /** The read model's consumer: manual assignment, no group, no commits. */
    public record Kafka(String bootstrapServers, Duration pollTimeout, Duration metadataRefresh) {
    }

    /** The bounds of the in-memory views. */
    public record Views(Duration retention, int maxSeries, int maxWindowsPerSeries, int maxAlerts, int maxRecords,
                        int maxFingerprints) {

        /** The shipped {@code views.max-fingerprints}, for callers that do not set it. */
        public static final int DEFAULT_MAX_FINGERPRINTS = 5000;

        /** Bounds without a fingerprint cap of their own: {@link #DEFAULT_MAX_FINGERPRINTS}. */
        public Views(Duration retention, int maxSeries, int maxWindowsPerSeries, int maxAlerts, int maxRecords) {
            this(retention, maxSeries, maxWindowsPerSeries, maxAlerts, maxRecords, DEFAULT_MAX_FINGERPRINTS);
        }
    }

    /** Loads defaults, then {@code --config <file>} if given, then the environment. */
    public static ConsoleConfig load(String[] args, Map<String, String> env) {
        return new ConfigLoader("/console.yaml", "CONSOLE", env)
                .load(ConfigLoader.configFile(args), ConsoleConfig.class, ConsoleConfig::validate);
    }

    /** The same configuration reading from another broker (the local stack points it at its own). */
    public ConsoleConfig withBootstrapServers(String bootstrapServers) {
        return new ConsoleConfig(http, new Kafka(bootstrapServers, kafka.pollTimeout(), kafka.metadataRefresh()), topics, views,
                services, auth, silences, overview);
    }

    /** The same configuration showing other services (the local stack knows their ports only once they run). */
    public ConsoleConfig withServices(Services newServices) {
        return new ConsoleConfig(http, kafka, topics, views, newServices, auth, silences, overview);
    }

    /** The same configuration with other tokens (the local stack generates a write token). */
    public ConsoleConfig withAuth(Auth newAuth) {
        return new ConsoleConfig(http, kafka, topics, views, services, newAuth, silences, overview);
    }

    /** The same configuration with another silences admin token. */
    public ConsoleConfig withSilences(Silences newSilences) {
        return new ConsoleConfig(http, kafka, topics, views, services, auth, newSilences, overview);
    }

    /** The same configuration watching another processor consumer group (the local stack's application id). */
    public ConsoleConfig withProcessorGroup(String group) {
        return new ConsoleConfig(http, kafka, topics, views, services, auth, silences,
                new Overview(overview.healthInterval(), overview.healthTimeout(), overview.sampleInterval(),
                        overview.bucket(), overview.buckets(), group));
    }

    public TopicCatalogue topicCatalogue() {
        try {
            return TopicCatalogue.withOverrides(topics);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("topics", e.getMessage(), e);
        }
    }

    public static void validate(ConsoleConfig c) {
        Require.present("http", c.http());
        Require.notBlank("http.host", c.http().host());
        Require.port("http.port", c.http().port());
        Require.present("kafka", c.kafka());
        Require.notBlank("kafka.bootstrap-servers", c.kafka().bootstrapServers());
        Require.positive("kafka.poll-timeout", c.kafka().pollTimeout());
        Require.positive("kafka.metadata-refresh", c.kafka().metadataRefresh());
        c.topicCatalogue();
        Require.present("views", c.views());
        Require.positive("views.retention", c.views().retention());
        Require.positive("views.max-series", c.views().maxSeries());
        Require.positive("views.max-windows-per-series", c.views().maxWindowsPerSeries());
        Require.positive("views.max-alerts", c.views().maxAlerts());
        Require.positive("views.max-records", c.views().maxRecords());
        Require.positive("views.max-fingerprints", c.views().maxFingerprints());
        Require.positive("auth.session-ttl", c.auth().sessionTtl());
        Require.positive("auth.max-sessions", c.auth().maxSessions());
        Require.positive("silences.request-timeout", c.silences().requestTimeout());
        Require.positive("overview.health-interval", c.overview().healthInterval());
        Require.positive("overview.health-timeout", c.overview().healthTimeout());
        Require.positive("overview.sample-interval", c.overview().sampleInterval());
        Require.positive("overview.bucket", c.overview().bucket());
        Require.positive("overview.buckets", c.overview().buckets());
        Require.notBlank("overview.processor-group", c.overview().processorGroup());
    }
}
