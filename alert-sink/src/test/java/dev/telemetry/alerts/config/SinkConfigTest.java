package dev.telemetry.alerts.config;

import dev.telemetry.alerts.notify.ReceiverConfig;
import dev.telemetry.alerts.notify.alertmanager.AlertmanagerConfig;
import dev.telemetry.alerts.notify.email.EmailConfig;
import dev.telemetry.alerts.notify.log.LogConfig;
import dev.telemetry.alerts.notify.pagerduty.PagerDutyConfig;
import dev.telemetry.alerts.notify.webhook.WebhookConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.events.topic.Topic;
import dev.telemetry.service.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SinkConfigTest {

    private static final String SECRET_URL = "https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX?token=abc123";

    @TempDir
    Path dir;

    private Path file(String yaml) throws IOException {
        return Files.writeString(dir.resolve("sink.yaml"), yaml);
    }

    private ConfigException failure(String yaml) throws IOException {
        Path file = file(yaml);
        return (ConfigException) org.assertj.core.api.Assertions.catchThrowable(() -> SinkConfig.load(file, Map.of()));
    }

    @Test
    void shouldShipWorkingDefaultsWhenNothingIsConfigured() {
        SinkConfig config = SinkConfig.defaults();

        assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(config.groupId()).isEqualTo("telemetry-alert-sink");
        assertThat(config.http()).isEqualTo(new SinkConfig.Http("0.0.0.0", 8082));
        assertThat(config.retry()).isEqualTo(new SinkConfig.Retry(Duration.ofMillis(500), Duration.ofSeconds(30)));
        assertThat(config.receivers()).containsExactly(new LogConfig("console"));
        assertThat(config.routes()).isEmpty();
        assertThat(config.defaultReceivers()).containsExactly("console");
        assertThat(config.externalUrl()).isEmpty();
    }

    @Test
    void shouldShipAlertmanagersGroupingAndAStormLimitWhenNothingIsConfigured() {
        SinkConfig config = SinkConfig.defaults();

        assertThat(config.grouping()).isEqualTo(new dev.telemetry.alerts.dispatch.Grouping(List.of("alertname", "app"),
                Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(4), true));
        assertThat(config.delivery().stormLimit()).isEqualTo(20);
    }

    @Test
    void shouldNameTheKeyWhenTheStormLimitIsOutOfRange() {
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> SinkConfig.load(null, Map.of("SINK_DELIVERY_STORM_LIMIT", "-1"))))
                .isInstanceOf(dev.telemetry.service.config.ConfigException.class).hasMessageContaining("delivery.storm-limit");
        assertThat(SinkConfig.load(null, Map.of("SINK_DELIVERY_STORM_LIMIT", "0")).delivery().stormLimit()).isZero();
    }

    @Test
    void shouldBoundEachReceiversDeliveriesInFlightWhenNothingIsConfigured() {
        assertThat(SinkConfig.defaults().delivery()).isEqualTo(new SinkConfig.Delivery(4));
        assertThat(SinkConfig.load(null, Map.of("SINK_DELIVERY_MAX_IN_FLIGHT", "8")).delivery().maxInFlight()).isEqualTo(8);
    }

    @Test
    void shouldShipTheCatalogueNamesWhenTopicsAreNotOverridden() {
        SinkConfig config = SinkConfig.defaults();

        config.topics().forEach((key, name) -> assertThat(
                java.util.Arrays.stream(Topic.values()).filter(t -> t.configKey().equals(key)).findFirst().orElseThrow().defaultName())
                .as("topics.%s", key).isEqualTo(name));
        assertThat(config.topicCatalogue().name(Topic.ALERTS)).isEqualTo("telemetry.alerts");
    }

    @Test
    void shouldApplyEnvironmentOverridesWhenVariablesAreSet() {
        SinkConfig config = SinkConfig.load(null, Map.of(
                "SINK_HTTP_PORT", "9000",
                "KAFKA_BOOTSTRAP_SERVERS", "broker:29092,[::1]:9092",
                "SINK_GROUP_ID", "sink-eu",
                "SINK_TOPICS_ALERTS", "prod.alerts",
                "SINK_RETRY_MAX_BACKOFF", "1m",
                "SINK_EXTERNAL_URL", "https://sink.example"));

        assertThat(config.http().port()).isEqualTo(9000);
        assertThat(config.kafka().bootstrapServers()).isEqualTo("broker:29092,[::1]:9092");
        assertThat(config.groupId()).isEqualTo("sink-eu");
        assertThat(config.topicCatalogue().name(Topic.ALERTS)).isEqualTo("prod.alerts");
        assertThat(config.retry().maxBackoff()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.externalUrl()).isEqualTo("https://sink.example");
    }

    @Test
    void shouldPreferTheSinkVariableWhenBothBootstrapVariablesAreSet() {
        SinkConfig config = SinkConfig.load(null, Map.of("KAFKA_BOOTSTRAP_SERVERS", "shared:9092",
                "SINK_KAFKA_BOOTSTRAP_SERVERS", "own:9092"));

        assertThat(config.kafka().bootstrapServers()).isEqualTo("own:9092");
    }

    @Test
    void shouldBindWebhookReceiversAndRoutesWhenAFileDefinesThem() throws IOException {
        Path file = file("""
                receivers:
                  - name: console
                    type: log
                  - name: team
                    type: webhook
                    url: https://hooks.example.com/a/b
                    timeout: 2s
                    headers:
                      Authorization: Bearer x
                routes:
                  "#alerts": [console, team]
                  "#security": [team]
                """);

        SinkConfig config = SinkConfig.load(file, Map.of());

        assertThat(config.receivers()).containsExactly(new LogConfig("console"),
                new WebhookConfig("team", "https://hooks.example.com/a/b", Duration.ofSeconds(2),
                        Map.of("Authorization", "Bearer x")));
        assertThat(config.routes()).containsExactly(Map.entry("#alerts", List.of("console", "team")),
                Map.entry("#security", List.of("team")));
        assertThat(config.defaultReceivers()).containsExactly("console");
    }

    @Test
    void shouldDefaultTheTimeoutWhenAWebhookHasNone() throws IOException {
        SinkConfig config = SinkConfig.load(file("""
                receivers:
                  - {name: console, type: log}
                  - {name: team, type: webhook, url: "http://localhost:9/x"}
                """), Map.of());

        assertThat(((WebhookConfig) config.receiver("team")).timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(((WebhookConfig) config.receiver("team")).headers()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown receiver in a route    | routes: {"#alerts": [console, nobody]}                                               | routes.#alerts[1]
            unknown default receiver       | default-receivers: [nobody]                                                            | default-receivers[0]
            duplicate receiver name        | receivers: [{name: a, type: log}, {name: a, type: log}]                                | receivers[1].name
            webhook without url            | receivers: [{name: console, type: log}, {name: w, type: webhook}]                      | receivers[1].url
            webhook with ftp url           | receivers: [{name: console, type: log}, {name: w, type: webhook, url: "ftp://h/x"}]     | receivers[1].url
            webhook with relative url      | receivers: [{name: console, type: log}, {name: w, type: webhook, url: "/x"}]            | receivers[1].url
            webhook with zero timeout      | receivers: [{name: console, type: log}, {name: w, type: webhook, url: "http://h", timeout: 0s}] | receivers[1].timeout
            webhook with a Host header     | receivers: [{name: console, type: log}, {name: w, type: webhook, url: "http://h", headers: {Host: x}}] | receivers[1].headers.Host
            url on a log receiver          | receivers: [{name: console, type: log, url: "http://h"}]                               | receivers[0].url
            empty receiver entry           | receivers: [{name: console, type: log}, ~]                                             | receivers[1]
            empty topic name               | topics: {alerts: ~}                                                                    | topics.alerts
            empty header value             | receivers: [{name: console, type: log}, {name: w, type: webhook, url: "http://h", headers: {X-A: ~}}] | receivers[1].headers.X-A
            no receivers                   | receivers: []                                                                          | receivers
            receiver without a name        | receivers: [{type: log}]                                                               | receivers[0].name
            unknown top-level key          | recievers: []                                                                          | recievers
            unknown topic                  | topics: {alertz: x}                                                                    | topics.alertz
            invalid topic name             | topics: {alerts: "a b"}                                                                | topics.alerts
            bootstrap without port         | kafka: {bootstrap-servers: "broker1:9092,broker2"}                                    | kafka.bootstrap-servers
            port out of range              | http: {port: 70000}                                                                    | http.port
            max backoff below initial      | retry: {initial-backoff: 10s, max-backoff: 1s}                                         | retry.max-backoff
            bad duration                   | retry: {initial-backoff: soon}                                                         | retry.initial-backoff
            nothing in flight              | delivery: {max-in-flight: 0}                                                           | delivery.max-in-flight
            too much in flight             | delivery: {max-in-flight: 65}                                                          | delivery.max-in-flight
            """)
    void shouldNameTheKeyWhenConfigurationIsInvalid(String name, String yaml, String key) throws IOException {
        ConfigException e = failure(yaml);

        assertThat(e).as(name).isNotNull();
        assertThat(e.key()).isEqualTo(key);
        assertThat(e.getMessage()).startsWith(key + ": ");
    }

    @Test
    void shouldNameTheTypeKeyWhenAReceiverTypeIsUnknown() throws IOException {
        ConfigException e = failure("receivers: [{name: pager, type: carrier-pigeon}]");

        assertThat(e.key()).startsWith("receivers[0]");
        assertThat(e.getMessage()).contains("carrier-pigeon").contains("log").contains("webhook");
    }

    @Test
    void shouldKeepTheTokenOutOfTheMessageWhenASecretUrlIsInvalid() throws IOException {
        String badScheme = SECRET_URL.replace("https:", "gopher:");
        String badSyntax = SECRET_URL.replace("?token", " ?token");
        for (String url : List.of(badScheme, badSyntax, SECRET_URL.replace("https://hooks.slack.com", "https://"))) {
            ConfigException e = failure("receivers: [{name: console, type: log}, {name: slack, type: webhook, url: \""
                    + url + "\"}]");

            assertThat(e.key()).isEqualTo("receivers[1].url");
            assertThat(messages(e)).doesNotContain("XXXXsecretXXXX").doesNotContain("abc123");
        }
    }

    @Test
    void shouldKeepTheTokenOutOfErrorsAndToStringWhenAValidSecretUrlIsConfigured() throws IOException {
        ConfigException e = failure("receivers: [{name: slack, type: webhook, url: \"" + SECRET_URL
                + "\", headers: {Authorization: Bearer hunter2}}]\nroutes: {\"#a\": [nope]}");
        SinkConfig valid = SinkConfig.load(file("receivers: [{name: console, type: log}, {name: slack, type: webhook, url: \""
                + SECRET_URL + "\", headers: {Authorization: Bearer hunter2}}]"), Map.of());

        assertThat(messages(e)).doesNotContain("XXXXsecretXXXX").doesNotContain("abc123").doesNotContain("hunter2");
        assertThat(valid.toString()).contains("https://hooks.slack.com").doesNotContain("XXXXsecretXXXX")
                .doesNotContain("abc123").doesNotContain("hunter2");
    }

    @Test
    void shouldFailNamingTheFileWhenItDoesNotExist() {
        assertThatThrownBy(() -> SinkConfig.load(new String[] {"--config", dir.resolve("missing.yaml").toString()}))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing.yaml").hasMessageContaining("not found");
    }

    @Test
    void shouldRefuseToStartWhenARuleChannelHasNoRoute() throws IOException {
        ConfigException e = failure("""
                receivers: [{name: team, type: log}]
                default-receivers: [team]
                routes: {"#alerts": [team]}
                known-channels: ["#alerts", "#dev-team"]
                """);

        assertThat(e.getMessage()).contains("known-channels[1]").contains("'#dev-team'").contains("has no route");
    }

    @Test
    void shouldRefuseToStartWhenARouteNamesAChannelNoRuleUses() throws IOException {
        ConfigException e = failure("""
                receivers: [{name: team, type: log}]
                default-receivers: [team]
                routes: {"#alerts": [team], "#alrets": [team]}
                known-channels: ["#alerts"]
                """);

        assertThat(e.getMessage()).contains("routes.#alrets").contains("unknown channel");
    }

    @Test
    void shouldRejectAnInhibitRuleWithABadMatcherWhenLoading() throws IOException {
        ConfigException e = failure("""
                inhibit-rules:
                  - source-matchers: ['severity=critical']
                    target-matchers: ['severity="high"']
                """);

        assertThat(e.getMessage()).contains("inhibit-rules[0].source-matchers");
    }

    @Test
    void shouldLoadEveryReceiverKindWithoutPrintingSecretsWhenConfiguredInYaml() throws IOException {
        SinkConfig config = SinkConfig.load(file("""
                receivers:
                  - {name: console, type: log}
                  - {name: slack, type: slack, url: "https://hooks.slack.com/services/T0/B0/XXXXslackSecret"}
                  - {name: pager, type: pagerduty, routing-key: R0utingKeySecret}
                  - {name: am, type: alertmanager, url: "http://alertmanager:9093"}
                  - {name: mail, type: email, host: smtp.example.com, port: 587, username: sink, password: smtpSecret,
                     from: alerts@example.com, to: [oncall@example.com], start-tls: true}
                  - {name: sentry, type: sentry, dsn: "https://sentryKeySecret@o1.ingest.sentry.io/42", environment: prod}
                routes: {"#alerts": [slack, pager], "#dev-team": [mail, sentry], "#performance": [am]}
                known-channels: ["#alerts", "#dev-team", "#performance"]
                admin-token: adminSecret
                """), Map.of());

        assertThat(config.receivers()).extracting(ReceiverConfig::name).containsExactly("console", "slack", "pager", "am", "mail", "sentry");
        assertThat(config.receiver("pager")).isEqualTo(new PagerDutyConfig("pager", "R0utingKeySecret",
                PagerDutyConfig.EVENTS_URL, ReceiverConfig.DEFAULT_TIMEOUT));
        EmailConfig mail = (EmailConfig) config.receiver("mail");
        assertThat(mail.startTls()).isTrue();
        assertThat(mail.to()).containsExactly("oncall@example.com");
        assertThat(((AlertmanagerConfig) config.receiver("am")).alertsUri()).hasToString("http://alertmanager:9093/api/v2/alerts");
        assertThat(config.toString()).doesNotContain("XXXXslackSecret").doesNotContain("R0utingKeySecret").doesNotContain("smtpSecret")
                .doesNotContain("sentryKeySecret").doesNotContain("adminSecret");
    }

    @Test
    void shouldRequireARoutingKeyWhenAReceiverIsPagerDuty() throws IOException {
        ConfigException e = failure("""
                receivers: [{name: pager, type: pagerduty}]
                default-receivers: [pager]
                """);

        assertThat(e.getMessage()).contains("receivers[0].routing-key");
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }
}
