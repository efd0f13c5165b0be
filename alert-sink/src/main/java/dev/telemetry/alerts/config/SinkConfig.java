package dev.telemetry.alerts.config;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.telemetry.alerts.notify.ReceiverConfig;
import dev.telemetry.alerts.notify.alertmanager.AlertmanagerConfig;
import dev.telemetry.alerts.notify.email.EmailConfig;
import dev.telemetry.alerts.notify.log.LogConfig;
import dev.telemetry.alerts.notify.pagerduty.PagerDutyConfig;
import dev.telemetry.alerts.notify.sentry.SentryConfig;
import dev.telemetry.alerts.notify.slack.SlackConfig;
import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.ConfigLoader;
import dev.telemetry.service.config.Require;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alert sink's typed configuration: shipped defaults in {@code /sink.yaml}, an optional user
 * file, then {@code SINK_*} environment overrides, validated at start-up with errors naming the key.
 *
 * @param kafka            where the broker is
 * @param groupId          the consumer group shared by all sink instances
 * @param topics           topic renames keyed by {@link dev.telemetry.events.topic.Topic#configKey()}
 * @param http             the operations endpoint ({@code /health}, {@code /metrics})
 * @param externalUrl      this sink's own address, sent as {@code externalURL} in webhook payloads
 * @param retry            backoff of retryable delivery failures
 * @param receivers        every receiver, by unique name
 * @param routes           alert channel → receiver names
 * @param defaultReceivers receivers of alerts whose channels have no route (or that have no channels)
 * @param knownChannels    the channels the processor's alert rules name; when set, each must have a
 *                         route and each route must be one of them, checked at start-up
 * @param adminToken       bearer token of the silences API; the API is off when blank
 * @param inhibitRules     Alertmanager's inhibit rules
 * @param grouping         Alertmanager's grouping, the same for every receiver
 * @param delivery         how each receiver delivers concurrently
 */
public record SinkConfig(Kafka kafka, String groupId, Map<String, String> topics, Http http, String externalUrl,
                         Retry retry,
                         // The receiver kinds YAML may name, listed here so that notify/ never imports its sub-packages.
                         @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
                         @JsonSubTypes({
                                 @JsonSubTypes.Type(value = LogConfig.class, name = "log"),
                                 @JsonSubTypes.Type(value = WebhookConfig.class, name = "webhook"),
                                 @JsonSubTypes.Type(value = SlackConfig.class, name = "slack"),
                                 @JsonSubTypes.Type(value = PagerDutyConfig.class, name = "pagerduty"),
                                 @JsonSubTypes.Type(value = AlertmanagerConfig.class, name = "alertmanager"),
                                 @JsonSubTypes.Type(value = EmailConfig.class, name = "email"),
                                 @JsonSubTypes.Type(value = SentryConfig.class, name = "sentry")
                         })
                         List<ReceiverConfig> receivers, Map<String, List<String>> routes,
                         List<String> defaultReceivers, List<String> knownChannels, String adminToken,
                         List<dev.telemetry.alerts.inhibit.InhibitRule> inhibitRules,
                         dev.telemetry.alerts.dispatch.Grouping grouping, Delivery delivery) {

    public static final String DEFAULTS_RESOURCE = "/sink.yaml";
    public static final String ENV_PREFIX = "SINK";

    public SinkConfig {
        // Copies that keep nulls and order: validate() names a null entry's key, and logs list routes as written.
        topics = topics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(topics));
        externalUrl = externalUrl == null ? "" : externalUrl;
        receivers = receivers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(receivers));
        Map<String, List<String>> copy = new LinkedHashMap<>();
        if (routes != null) {
            routes.forEach((channel, names) -> copy.put(channel,
                    names == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(names))));
        }
        routes = Collections.unmodifiableMap(copy);
        defaultReceivers = defaultReceivers == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(defaultReceivers));
        knownChannels = knownChannels == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(knownChannels));
        adminToken = adminToken == null ? "" : adminToken;
        inhibitRules = inhibitRules == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(inhibitRules));
        grouping = grouping == null ? dev.telemetry.alerts.dispatch.Grouping.none() : grouping;
        delivery = delivery == null ? new Delivery(null, null) : delivery;
    }

    /**
     * Delivery settings of every receiver.
     *
     * @param maxInFlight attempts one receiver may have in flight at once, each for a different
     *                    aggregation group; a notification waiting out its backoff holds none
     * @param stormLimit  notifications a minute per receiver before further groups are folded into one
     *                    storm notification; 0 for no limit
     */
    public record Delivery(Integer maxInFlight, Integer stormLimit) {

        /** The most a receiver may be asked to take at once; more is a typo, not a plan. */
        public static final int MAX_IN_FLIGHT_LIMIT = 64;
        /** More notifications a minute than anyone reads; a larger limit is a typo. */
        public static final int MAX_STORM_LIMIT = 10_000;
        public static final int DEFAULT_STORM_LIMIT = 20;

        public Delivery {
            maxInFlight = maxInFlight == null ? dev.telemetry.alerts.dispatch.DeliveryPolicy.DEFAULT_MAX_IN_FLIGHT : maxInFlight;
            stormLimit = stormLimit == null ? DEFAULT_STORM_LIMIT : stormLimit;
        }

        public Delivery(Integer maxInFlight) {
            this(maxInFlight, null);
        }
    }

    /**
     * Kafka client settings.
     *
     * @param sessionTimeout how soon the group notices a crashed sink and hands its partitions to
     *                       another (consumer {@code session.timeout.ms}); the client's default when unset
     */
    public record Kafka(String bootstrapServers, Duration sessionTimeout) {
        public Kafka(String bootstrapServers) {
            this(bootstrapServers, null);
        }
    }

    /** Where the operations endpoint listens; port 0 picks a free port. */
    public record Http(String host, int port) {
    }

    /**
     * Exponential backoff of retryable failures: the first retry after about {@code initialBackoff},
     * doubling up to {@code maxBackoff}.
     */
    public record Retry(Duration initialBackoff, Duration maxBackoff, Duration maxAge) {

        /** How long a notification is retried before it goes to the dead-letter topic. */
        public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(1);

        public Retry {
            maxAge = maxAge == null ? DEFAULT_MAX_AGE : maxAge;
        }

        public Retry(Duration initialBackoff, Duration maxBackoff) {
            this(initialBackoff, maxBackoff, null);
        }
    }

    /** Loads the configuration for {@code main}: {@code --config <file>} is optional. */
    public static SinkConfig load(String[] args) {
        return load(ConfigLoader.configFile(args), System.getenv());
    }

    /** Loads shipped defaults, then {@code userFile} (may be null), then {@code env}. */
    public static SinkConfig load(Path userFile, Map<String, String> env) {
        return new ConfigLoader(DEFAULTS_RESOURCE, ENV_PREFIX, env).load(userFile, SinkConfig.class, SinkConfig::validate);
    }

    /** The shipped defaults alone. */
    public static SinkConfig defaults() {
        return load(null, Map.of());
    }

    /** Fails with a {@link ConfigException} naming the first bad key. */
    public void validate() {
        Require.present("kafka", kafka);
        Require.notBlank("kafka.bootstrap-servers", kafka.bootstrapServers());
        for (String server : kafka.bootstrapServers().split(",")) {
            // The Kafka client would fail too, but with a stack trace instead of the key.
            if (!server.strip().matches("(\\[[0-9a-fA-F:.]+]|[^\\s:\\[\\]]+):\\d{1,5}")) {
                throw new ConfigException("kafka.bootstrap-servers", "'" + server.strip() + "' is not host:port");
            }
        }
        if (kafka.sessionTimeout() != null) {
            Require.positive("kafka.session-timeout", kafka.sessionTimeout());
        }
        Require.notBlank("group-id", groupId);
        topics.forEach((key, name) -> {
            try {
                TopicCatalogue.withOverrides(Map.of(key, name == null ? "" : name));
            } catch (IllegalArgumentException e) {
                // The catalogue prefixes its message with the key; ConfigException adds it again.
                String message = String.valueOf(e.getMessage());
                String prefix = "topics." + key + ": ";
                throw new ConfigException("topics." + key, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
            }
        });
        Require.present("http", http);
        Require.notBlank("http.host", http.host());
        Require.port("http.port", http.port());
        Require.present("retry", retry);
        Require.positive("retry.initial-backoff", retry.initialBackoff());
        Require.positive("retry.max-backoff", retry.maxBackoff());
        if (retry.maxBackoff().compareTo(retry.initialBackoff()) < 0) {
            throw new ConfigException("retry.max-backoff", "must not be shorter than retry.initial-backoff ("
                    + retry.initialBackoff() + "), got " + retry.maxBackoff());
        }

        if (receivers.isEmpty()) {
            throw new ConfigException("receivers", "must list at least one receiver");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < receivers.size(); i++) {
            String key = "receivers[" + i + "]";
            ReceiverConfig receiver = receivers.get(i);
            if (receiver == null) {
                throw new ConfigException(key, "must be a receiver, not empty");
            }
            receiver.validate(key);
            Integer previous = seen.putIfAbsent(receiver.name(), i);
            if (previous != null) {
                throw new ConfigException(key + ".name", "duplicate receiver name '" + receiver.name()
                        + "' (already used by receivers[" + previous + "])");
            }
        }
        routes.forEach((channel, names) -> {
            if (channel == null || channel.isBlank()) {
                throw new ConfigException("routes", "a channel name must not be blank");
            }
            requireKnown("routes." + channel, names, seen.keySet());
        });
        requireKnown("default-receivers", defaultReceivers, seen.keySet());
        Require.positive("retry.max-age", retry.maxAge());
        if (delivery.maxInFlight() < 1 || delivery.maxInFlight() > Delivery.MAX_IN_FLIGHT_LIMIT) {
            throw new ConfigException("delivery.max-in-flight", "must be between 1 and " + Delivery.MAX_IN_FLIGHT_LIMIT
                    + ", got " + delivery.maxInFlight());
        }
        if (delivery.stormLimit() < 0 || delivery.stormLimit() > Delivery.MAX_STORM_LIMIT) {
            throw new ConfigException("delivery.storm-limit", "must be between 0 (no limit) and " + Delivery.MAX_STORM_LIMIT
                    + " notifications a minute, got " + delivery.stormLimit());
        }
        Require.notNegative("grouping.group-wait", grouping.groupWait());
        Require.notNegative("grouping.group-interval", grouping.groupInterval());
        Require.notNegative("grouping.repeat-interval", grouping.repeatInterval());
        for (int i = 0; i < inhibitRules.size(); i++) {
            if (inhibitRules.get(i) == null) {
                throw new ConfigException("inhibit-rules[" + i + "]", "must be a rule, not empty");
            }
            inhibitRules.get(i).validate("inhibit-rules[" + i + "]");
        }
        if (!knownChannels.isEmpty()) {
            // A rule's channel without a route would silently fall back to the default receivers: refuse to start instead.
            for (int i = 0; i < knownChannels.size(); i++) {
                String channel = knownChannels.get(i);
                if (channel == null || !routes.containsKey(channel)) {
                    throw new ConfigException("known-channels[" + i + "]", "channel '" + channel
                            + "' is named by an alert rule but has no route; routes: " + routes.keySet());
                }
            }
            for (String channel : routes.keySet()) {
                if (!knownChannels.contains(channel)) {
                    throw new ConfigException("routes." + channel, "unknown channel '" + channel
                            + "': no alert rule names it; known channels: " + knownChannels);
                }
            }
        }
    }

    private static void requireKnown(String key, List<String> names, Set<String> known) {
        for (int i = 0; i < names.size(); i++) {
            if (!known.contains(names.get(i))) {
                throw new ConfigException(key + "[" + i + "]", "unknown receiver '" + names.get(i) + "'; known: "
                        + known.stream().sorted().toList());
            }
        }
    }

    /** Receivers print themselves without secrets; the admin token is never printed. */
    @Override
    public String toString() {
        return "SinkConfig[kafka=" + kafka + ", groupId=" + groupId + ", topics=" + topics + ", http=" + http + ", externalUrl="
                + externalUrl + ", retry=" + retry + ", receivers=" + receivers + ", routes=" + routes + ", defaultReceivers="
                + defaultReceivers + ", knownChannels=" + knownChannels + ", adminToken=" + (adminToken.isEmpty() ? "<none>" : "<redacted>")
                + ", inhibitRules=" + inhibitRules + ", grouping=" + grouping + ", delivery=" + delivery + "]";
    }

    /** The topic names in use. */
    public TopicCatalogue topicCatalogue() {
        return TopicCatalogue.withOverrides(topics);
    }

    /** The receiver named {@code name}. */
    public ReceiverConfig receiver(String name) {
        return receivers.stream().filter(r -> r.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no receiver named " + name));
    }

    public SinkConfig withKafka(String bootstrapServers) {
        return new SinkConfig(new Kafka(bootstrapServers, kafka == null ? null : kafka.sessionTimeout()), groupId, topics, http, externalUrl, retry, receivers, routes, defaultReceivers, knownChannels, adminToken, inhibitRules, grouping, delivery);
    }

    public SinkConfig withGroupId(String newGroupId) {
        return new SinkConfig(kafka, newGroupId, topics, http, externalUrl, retry, receivers, routes, defaultReceivers, knownChannels, adminToken, inhibitRules, grouping, delivery);
    }

    /** Renames one topic, e.g. {@code withTopic("alerts", "test.alerts.1")}. */
    public SinkConfig withTopic(String configKey, String name) {
        Map<String, String> renamed = new LinkedHashMap<>(topics);
        renamed.put(configKey, name);
        return new SinkConfig(kafka, groupId, renamed, http, externalUrl, retry, receivers, routes, defaultReceivers, knownChannels, adminToken, inhibitRules, grouping, delivery);
    }

    public SinkConfig withHttp(String host, int port) {
        return new SinkConfig(kafka, groupId, topics, new Http(host, port), externalUrl, retry, receivers, routes, defaultReceivers, knownChannels, adminToken, inhibitRules, grouping, delivery);
    }

    public SinkConfig withRetry(Duration initialBackoff, Duration maxBackoff) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, new Retry(initialBackoff, maxBackoff, retry.maxAge()), receivers, routes, defaultReceivers, knownChannels, adminToken, inhibitRules, grouping, delivery);
    }

    public SinkConfig withMaxAge(Duration maxAge) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, new Retry(retry.initialBackoff(), retry.maxBackoff(), maxAge),
                receivers, routes, defaultReceivers, knownChannels, adminToken, inhibitRules, grouping, delivery);
    }

    public SinkConfig withKnownChannels(List<String> channels) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, retry, receivers, routes, defaultReceivers, channels, adminToken, inhibitRules, grouping, delivery);
    }

    public SinkConfig withAdminToken(String token) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, retry, receivers, routes, defaultReceivers, knownChannels, token, inhibitRules, grouping, delivery);
    }

    public SinkConfig withGrouping(dev.telemetry.alerts.dispatch.Grouping newGrouping) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, retry, receivers, routes, defaultReceivers, knownChannels,
                adminToken, inhibitRules, newGrouping, delivery);
    }

    public SinkConfig withInhibitRules(List<dev.telemetry.alerts.inhibit.InhibitRule> rules) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, retry, receivers, routes, defaultReceivers, knownChannels,
                adminToken, rules, grouping, delivery);
    }

    /** Replaces receivers and routing together, since routes must name existing receivers. */
    public SinkConfig withReceivers(List<ReceiverConfig> newReceivers, Map<String, List<String>> newRoutes, List<String> newDefaults) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, retry, newReceivers, newRoutes, newDefaults, knownChannels, adminToken, inhibitRules, grouping, delivery);
    }

    public SinkConfig withMaxInFlight(int maxInFlight) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, retry, receivers, routes, defaultReceivers, knownChannels,
                adminToken, inhibitRules, grouping, new Delivery(maxInFlight, delivery.stormLimit()));
    }

    /** Notifications a minute per receiver before the storm limit folds further groups; 0 for none. */
    public SinkConfig withStormLimit(int stormLimit) {
        return new SinkConfig(kafka, groupId, topics, http, externalUrl, retry, receivers, routes, defaultReceivers, knownChannels,
                adminToken, inhibitRules, grouping, new Delivery(delivery.maxInFlight(), stormLimit));
    }
}
