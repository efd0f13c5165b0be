package dev.telemetry.console.config;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import dev.telemetry.service.config.Require;
import java.time.Duration;
import java.util.Map;

/** The console's typed configuration; shipped defaults are {@code console.yaml} on the classpath. */
public record ConsoleConfig(Http http, Kafka kafka, Map<String, String> topics, Views views, Services services,
                            Auth auth, Silences silences) {

    public ConsoleConfig {
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
                services, auth, silences);
    }

    /** The same configuration showing other services (the local stack knows their ports only once they run). */
    public ConsoleConfig withServices(Services newServices) {
        return new ConsoleConfig(http, kafka, topics, views, newServices, auth, silences);
    }

    /** The same configuration with other tokens (the local stack generates a write token). */
    public ConsoleConfig withAuth(Auth newAuth) {
        return new ConsoleConfig(http, kafka, topics, views, services, newAuth, silences);
    }

    /** The same configuration with another silences admin token. */
    public ConsoleConfig withSilences(Silences newSilences) {
        return new ConsoleConfig(http, kafka, topics, views, services, auth, newSilences);
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
    }
}
