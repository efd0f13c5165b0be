package dev.telemetry.processor.config;

import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.processor.errors.ErrorRule;
import dev.telemetry.processor.rules.AlertRule;
import dev.telemetry.processor.slo.spec.Slo;
import dev.telemetry.processor.stage.CardinalityCaps;
import dev.telemetry.processor.stage.Detection;
import dev.telemetry.processor.stage.EventRollups;
import dev.telemetry.processor.stage.ProcessorSettings;
import dev.telemetry.processor.stage.VitalOffendersLimits;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import dev.telemetry.service.config.Require;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The stream processor's typed configuration; shipped defaults are {@code processor.yaml} on the classpath. */
public record ProcessorConfig(Kafka kafka, String applicationId, String stateDir, Windows windows,
                              Map<String, String> topics, Http http, List<AlertRule> rules, int numStreamThreads,
                              Duration commitInterval, RateLimit rateLimit, PageLoad pageLoad, Errors errors,
                              Cardinality cardinality, Security security, Alerting alerting,
                              Map<String, String> streams, List<Slo> slos, VitalOffenders vitalOffenders) {

    /** Prefix of the environment overrides, e.g. {@code PROCESSOR_WINDOWS_SIZE}. */
    public static final String ENV_PREFIX = "PROCESSOR";

    public ProcessorConfig {
        topics = topics == null ? Map.of() : Map.copyOf(topics);
        rules = rules == null ? List.of() : List.copyOf(rules);
        slos = slos == null ? List.of() : List.copyOf(slos);
        streams = streams == null ? Map.of() : Map.copyOf(streams);
        alerting = alerting == null ? new Alerting(null, null, null) : alerting;
        vitalOffenders = vitalOffenders == null ? new VitalOffenders(null) : vitalOffenders;
    }

    /**
     * How many attribution targets {@code telemetry.vitals-attribution} names per app, page, vital and window (its
     * heavy-hitters sketch tracks four times as many); left out, {@link VitalOffendersLimits#defaults()}.
     */
    public record VitalOffenders(Integer topN) {
        VitalOffendersLimits limits() {
            return topN == null ? VitalOffendersLimits.defaults() : new VitalOffendersLimits(topN);
        }
    }

    /** Requests per (ip, endpoint) per minute above which a {@code Rate Limit Exceeded} finding is emitted. */
    public record RateLimit(int perMinute) {
    }

    /** Page loads (series {@code page_load}) above {@code slowMs} count as slow. */
    public record PageLoad(double slowMs) {
    }

    /**
     * The seed's {@code classifyError} as rules, when a fingerprint seen again is a regression, and how long a
     * fingerprint is remembered without being seen (after that it counts as new again: the state stays bounded).
     */
    public record Errors(List<ErrorRule> classification, int regressionAfterWindows, Duration forgetAfter) {
        public Errors {
            classification = classification == null ? List.of() : List.copyOf(classification);
        }
    }

    /** Caps per app and window: distinct metric names, series in all, label sets per metric. */
    public record Cardinality(int maxMetricsPerApp, int maxSeriesPerApp, int maxSeriesPerMetric) {
    }

    /** Where alerts for security findings, alerting errors and new error fingerprints are sent. */
    public record Security(List<String> channels) {
        public Security {
            channels = channels == null ? List.of() : List.copyOf(channels);
        }
    }

    /**
     * How per-item event alerts roll up into one per rule, app and window; each key left out takes its default
     * ({@link EventRollups#defaults()}).
     */
    public record Alerting(Duration rollupUpdateInterval, Integer rollupSubjects, Integer rollupTopOffenders) {
        EventRollups rollups() {
            EventRollups defaults = EventRollups.defaults();
            return new EventRollups(rollupUpdateInterval == null ? defaults.updateInterval() : rollupUpdateInterval,
                    rollupSubjects == null ? defaults.maxSubjects() : rollupSubjects,
                    rollupTopOffenders == null ? defaults.topOffenders() : rollupTopOffenders);
        }
    }

    /** What the topology's shape and semantics depend on, as configured. */
    public ProcessorSettings settings() {
        return new ProcessorSettings(topicCatalogue(), windows.size(), windows.grace(), windows.closeCheckInterval(), rules,
                detection(), slos);
    }

    /** The detection settings the topology needs. */
    public Detection detection() {
        return new Detection(rateLimit.perMinute(), pageLoad.slowMs(), errors.classification(),
                errors.regressionAfterWindows(), errors.forgetAfter(),
                new CardinalityCaps(cardinality.maxMetricsPerApp(), cardinality.maxSeriesPerApp(),
                        cardinality.maxSeriesPerMetric()),
                security.channels(), alerting.rollups(), vitalOffenders.limits());
    }

    /** Where the brokers are. */
    public record Kafka(String bootstrapServers) {
    }

    /** Tumbling event-time windows: their size, how late an event may be, how often the wall clock closes them. */
    public record Windows(Duration size, Duration grace, Duration closeCheckInterval) {
    }

    /** Where {@code /health} and {@code /metrics} listen. */
    public record Http(String host, int port) {
    }

    /** Loads defaults, then {@code --config <file>} if given, then the process environment. */
    public static ProcessorConfig load(String[] args) {
        return load(args, System.getenv());
    }

    /** Loads defaults, then {@code --config <file>} if given, then {@code env}. */
    public static ProcessorConfig load(String[] args, Map<String, String> env) {
        return new ConfigLoader("/processor.yaml", ENV_PREFIX, env)
                .load(ConfigLoader.configFile(args), ProcessorConfig.class, ProcessorConfig::validate);
    }

    /** Topic names in use: the defaults with {@code topics} applied. */
    public TopicCatalogue topicCatalogue() {
        try {
            return TopicCatalogue.withOverrides(topics);
        } catch (IllegalArgumentException e) {
            // The catalogue's message starts with the key it rejects ("topics.<key>: ..."); keep that key.
            String message = e.getMessage();
            int colon = message.indexOf(": ");
            if (colon > 0) {
                throw new ConfigException(message.substring(0, colon), message.substring(colon + 2), e);
            }
            throw new ConfigException("topics", message, e);
        }
    }

    public static void validate(ProcessorConfig c) {
        Require.present("kafka", c.kafka());
        Require.notBlank("kafka.bootstrap-servers", c.kafka().bootstrapServers());
        Require.notBlank("application-id", c.applicationId());
        if (!c.applicationId().matches("[a-zA-Z0-9._-]+")) {
            // It prefixes internal topic names, so it must be a valid topic name itself.
            throw new ConfigException("application-id", "may only contain letters, digits, '.', '_' and '-'");
        }
        Require.notBlank("state-dir", c.stateDir());
        Require.present("windows", c.windows());
        Require.positive("windows.size", c.windows().size());
        Require.notNegative("windows.grace", c.windows().grace());
        Require.positive("windows.close-check-interval", c.windows().closeCheckInterval());
        c.topicCatalogue();
        Require.present("http", c.http());
        Require.notBlank("http.host", c.http().host());
        Require.port("http.port", c.http().port());
        Require.positive("num-stream-threads", c.numStreamThreads());
        Require.positive("commit-interval", c.commitInterval());
        Require.present("rate-limit", c.rateLimit());
        Require.positive("rate-limit.per-minute", c.rateLimit().perMinute());
        Require.present("page-load", c.pageLoad());
        if (!(c.pageLoad().slowMs() > 0)) {
            throw new ConfigException("page-load.slow-ms", "must be a positive number of milliseconds");
        }
        Require.present("errors", c.errors());
        for (int i = 0; i < c.errors().classification().size(); i++) {
            String key = "errors.classification[" + i + "]";
            Require.present(key, c.errors().classification().get(i));
            c.errors().classification().get(i).validate(key);
        }
        Require.positive("errors.regression-after-windows", c.errors().regressionAfterWindows());
        Require.positive("errors.forget-after", c.errors().forgetAfter());
        Duration regression = c.windows().size().multipliedBy(c.errors().regressionAfterWindows());
        if (c.errors().forgetAfter().compareTo(regression) <= 0) {
            // A fingerprint forgotten before its regression is due would come back as "new", never as a regression.
            throw new ConfigException("errors.forget-after", "must be longer than regression-after-windows × windows.size ("
                    + dev.telemetry.service.config.Durations.format(regression) + ")");
        }
        Require.present("cardinality", c.cardinality());
        Require.positive("cardinality.max-metrics-per-app", c.cardinality().maxMetricsPerApp());
        Require.positive("cardinality.max-series-per-app", c.cardinality().maxSeriesPerApp());
        Require.positive("cardinality.max-series-per-metric", c.cardinality().maxSeriesPerMetric());
        try {
            c.alerting().rollups();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("alerting", e.getMessage());
        }
        try {
            c.vitalOffenders().limits();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("vital-offenders.top-n", e.getMessage());
        }
        Require.present("security", c.security());
        Set<String> names = new HashSet<>();
        for (int i = 0; i < c.rules().size(); i++) {
            String key = "rules[" + i + "]";
            AlertRule rule = c.rules().get(i);
            Require.present(key, rule);
            rule.validate(key);
            if (!names.add(rule.name())) {
                // The name is part of the alert's fingerprint: two rules with one name would share state.
                throw new ConfigException(key + ".name", "'" + rule.name() + "' is used by an earlier rule");
            }
        }
        Set<String> sloNames = new HashSet<>();
        for (int i = 0; i < c.slos().size(); i++) {
            String key = "slos[" + i + "]";
            Slo slo = c.slos().get(i);
            Require.present(key, slo);
            slo.validate(key, c.windows().size());
            if (!sloNames.add(slo.name())) {
                // The name keys the SLO's windows and alerts: two SLOs with one name would count into one ring.
                throw new ConfigException(key + ".name", "'" + slo.name() + "' is used by an earlier SLO");
            }
        }
    }
}
