package dev.telemetry.rulelab.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.kafka.local.junit.LocalKafka;
import dev.telemetry.kafka.local.junit.LocalKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./telemetry backtest} over history on a real broker: firing intervals, notifications, flaps; bad input. */
@ExtendWith(LocalKafkaExtension.class)
class BacktestMainTest {

    /** A minute boundary an hour ago: the history is in the past, as the broker keeps it. */
    private static final Instant T0 = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
    private static final Clock NOW = Clock.fixed(T0.plus(Duration.ofMinutes(40)), ZoneOffset.UTC);

    @TempDir
    Path dir;
    private LocalKafka kafka;
    private Path rules;
    private String topicsYaml;

    @BeforeEach
    void history(LocalKafka kafka) throws Exception {
        this.kafka = kafka;
        Map<String, String> names = new HashMap<>();
        for (Topic topic : HistoryReader.RAW_TOPICS) {
            names.put(topic.configKey(), kafka.uniqueTopicName("backtest-" + topic.configKey()));
        }
        TopicCatalogue catalogue = TopicCatalogue.withOverrides(names);
        kafka.createCatalogueTopics(catalogue, 2);
        StringBuilder topics = new StringBuilder("topics:\n");
        names.forEach((k, v) -> topics.append("  ").append(k).append(": ").append(v).append('\n'));
        topicsYaml = topics.toString();
        rules = Files.writeString(dir.resolve("processor.yaml"), topics + """
                windows: {size: 1m, grace: 10s}
                rules:
                  - name: checkout_slow
                    metric: response_time
                    labels: {endpoint: /api/checkout}
                    stat: p95
                    operator: gt
                    threshold: 1000
                    severity: high
                """);
        // Slow checkout 0m..5m and 12m..14m; fast otherwise, until 20m. A second app stays fast throughout.
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            String requests = catalogue.name(Topic.REQUESTS);
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int s = 0; s < 20 * 60; s += 5) {
                Instant at = T0.plusSeconds(s);
                boolean slow = s < 5 * 60 || (s >= 12 * 60 && s < 14 * 60);
                sent.add(send(producer, requests, request("shop", slow ? 2500 : 200, at)));
                sent.add(send(producer, requests, request("blog", 150, at)));
            }
            // One record that is no envelope: the topology skips it, as live, and the backtest says so.
            sent.add(producer.send(new ProducerRecord<>(requests, null, T0.plusSeconds(61).toEpochMilli(), "shop|x",
                    "not json".getBytes(StandardCharsets.UTF_8))));
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    /**
     * A producer that keeps the history's order through retries: one request in flight, not idempotent. On a
     * loaded machine an idempotent producer's retries reset sequence numbers and the broker answered
     * OutOfOrderSequenceException, leaving a history with records missing or reordered.
     */
    static KafkaProducer<String, byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @Test
    void shouldReportFiringIntervalsNotificationsAndFlaps() throws Exception {
        Outcome outcome = backtest("--rules", rules.toString(), "--from", T0.toString(),
                "--to", T0.plus(Duration.ofMinutes(20)).toString(), "--format", "json",
                "--bootstrap-server", kafka.bootstrapServers());

        assertThat(outcome.exit).as(outcome.err).isZero();
        List<String> lines = outcome.out.lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode report = new ObjectMapper().readTree(lines.get(0));
        assertThat(report.get("rule").asText()).isEqualTo("checkout_slow");
        JsonNode firing = report.get("firing");
        assertThat(firing).hasSize(2);
        // Fires when the first slow window (0m..1m) is evaluated; resolves with the first fast one (5m..6m).
        assertThat(firing.get(0).get("start").asText()).isEqualTo(T0.plus(Duration.ofMinutes(1)).toString());
        assertThat(firing.get(0).get("end").asText()).isEqualTo(T0.plus(Duration.ofMinutes(6)).toString());
        assertThat(firing.get(0).get("labels").get("app").asText()).isEqualTo("shop");
        assertThat(firing.get(0).get("peak").asDouble()).isEqualTo(2500);
        assertThat(firing.get(1).get("start").asText()).isEqualTo(T0.plus(Duration.ofMinutes(13)).toString());
        assertThat(firing.get(1).get("end").asText()).isEqualTo(T0.plus(Duration.ofMinutes(15)).toString());
        assertThat(report.get("notifications").asInt()).isEqualTo(4);
        assertThat(report.get("firingSeconds").asLong()).isEqualTo(7 * 60);
        assertThat(report.get("flaps").asInt()).as("fired again 7 minutes after resolving").isEqualTo(1);
        assertThat(outcome.err).contains("telemetry backtest: 480 events from")
                .contains("; 1 undecodable records skipped");
    }

    @Test
    void shouldFilterByAppAndPrintATable() {
        Outcome outcome = backtest("--rules", rules.toString(), "--from", T0.toString(),
                "--to", T0.plus(Duration.ofMinutes(20)).toString(), "--app", "blog", "--flap-within", "5m",
                "--bootstrap-server", kafka.bootstrapServers());

        assertThat(outcome.exit).as(outcome.err).isZero();
        assertThat(outcome.out).isEqualTo("checkout_slow: 0 firing intervals, 0 notifications, 0s firing, 0 flaps\n");
    }

    @Test
    void shouldMeasureRulesAndSloAlertsAgainstIncidents() throws Exception {
        // Given: the rules plus a 99 % latency SLO on shop's checkout, and two incidents of shop: the first slow
        // stretch (0m..5m) and one nothing fires for (16m..18m)
        Path withSlo = Files.writeString(dir.resolve("slo.yaml"), Files.readString(rules) + """
                slos:
                  - name: checkout-latency
                    app: shop
                    objective: 99
                    sli: {type: latency, endpoint: /api/checkout, threshold: 1s}
                """);
        Path incidents = Files.writeString(dir.resolve("incidents.yaml"), "incidents:\n"
                + "  - {name: slow checkout, start: " + T0 + ", end: " + T0.plus(Duration.ofMinutes(5))
                + ", labels: {app: shop}}\n"
                + "  - {name: quiet, start: " + T0.plus(Duration.ofMinutes(16)) + ", end: "
                + T0.plus(Duration.ofMinutes(18)) + ", rules: [checkout_slow]}\n"
                + "  - {name: last year, start: 2025-01-01T00:00:00Z, end: 2025-01-01T01:00:00Z}\n");

        Outcome outcome = backtest("--rules", withSlo.toString(), "--from", T0.toString(),
                "--to", T0.plus(Duration.ofMinutes(20)).toString(), "--format", "json", "--incidents",
                incidents.toString(), "--bootstrap-server", kafka.bootstrapServers());

        assertThat(outcome.exit).as(outcome.err).isZero();
        assertThat(outcome.err).contains("incident 'last year' (2025-01-01T00:00:00Z .. 2025-01-01T01:00:00Z) is"
                + " outside the range and not counted");
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> reports = outcome.out.lines().map(l -> {
            try {
                return json.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertThat(reports).extracting(r -> r.get("rule").asText()).containsExactly("checkout_slow",
                "slo_burn_rate:checkout-latency:1h/5m", "slo_burn_rate:checkout-latency:6h/30m",
                "slo_burn_rate:checkout-latency:3d/6h");
        // checkout_slow fires 1m..6m (detects the first incident after 1 minute, resets 1 minute after it) and
        // 13m..15m (no incident): precision 1/2; it misses "quiet": recall 1/2
        JsonNode slow = reports.get(0);
        assertThat(slow.get("precision").asDouble()).isEqualTo(0.5);
        assertThat(slow.get("recall").asDouble()).isEqualTo(0.5);
        assertThat(slow.get("detectionSeconds").toString()).isEqualTo("{\"mean\":60,\"max\":60,\"incidents\":"
                + "[{\"incident\":\"slow checkout\",\"seconds\":60},"
                + "{\"incident\":\"quiet\",\"seconds\":null,\"why\":\"not detected\"}]}");
        assertThat(slow.get("resetSeconds").get("mean").asDouble()).isEqualTo(60);
        // The SLO's page: every checkout of shop misses the 1 s objective in 0m..5m and 12m..14m. It fires when the
        // first window closes and resolves when the 5 minutes hold less than 14.4 % bad (window 9m..10m); again
        // from 13m to 19m, a flap. Only "slow checkout" judges it (the other names checkout_slow only).
        JsonNode page = reports.get(1);
        assertThat(page.get("firing")).extracting(i -> i.get("start").asText() + ".." + i.get("end").asText())
                .containsExactly(T0.plus(Duration.ofMinutes(1)) + ".." + T0.plus(Duration.ofMinutes(10)),
                        T0.plus(Duration.ofMinutes(13)) + ".." + T0.plus(Duration.ofMinutes(19)));
        assertThat(page.get("notifications").asInt()).isEqualTo(4);
        assertThat(page.get("flaps").asInt()).isEqualTo(1);
        assertThat(page.get("firingSeconds").asLong()).isEqualTo(15 * 60);
        assertThat(page.get("precision").asDouble()).isEqualTo(0.5);
        assertThat(page.get("recall").asDouble()).isEqualTo(1.0);
        assertThat(page.get("detectionSeconds").get("max").asDouble()).isEqualTo(60);
        assertThat(page.get("resetSeconds").get("max").asDouble()).isEqualTo(300);
        // The 3-day ticket still fires at the end: its reset time is unknown
        JsonNode ticket = reports.get(3);
        assertThat(ticket.get("firing").get(0).get("end").isNull()).isTrue();
        assertThat(ticket.get("resetSeconds").get("incidents").get(0).get("why").asText())
                .isEqualTo("still firing at the end of the range");
    }

    @Test
    void shouldCompareTwoRuleSetsOverTheSameHistory() throws Exception {
        // Given: the same rule needing 3 slow minutes in a row, and a new rule that never fires
        Path stricter = Files.writeString(dir.resolve("stricter.yaml"), topicsYaml + """
                windows: {size: 1m, grace: 10s}
                rules:
                  - name: checkout_slow
                    metric: response_time
                    labels: {endpoint: /api/checkout}
                    stat: p95
                    operator: gt
                    threshold: 1000
                    duration: 3
                    severity: high
                  - name: checkout_very_slow
                    metric: response_time
                    stat: max
                    operator: gt
                    threshold: 10000
                    severity: critical
                """);
        String[] args = {"--rules", rules.toString(), "--compare", stricter.toString(), "--from", T0.toString(),
                "--to", T0.plus(Duration.ofMinutes(20)).toString(), "--bootstrap-server", kafka.bootstrapServers()};

        Outcome json = backtest(concat(args, "--format", "json"));
        Outcome table = backtest(args);

        // Then: the first slow stretch fires in both (overlapping intervals match); the 2-minute one only without
        // the `for`
        assertThat(json.exit).as(json.err).isZero();
        List<String> lines = json.out.lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode slow = new ObjectMapper().readTree(lines.get(0));
        assertThat(slow.get("rule").asText()).isEqualTo("checkout_slow");
        assertThat(slow.get("rules").get("file").asText()).isEqualTo(rules.toString());
        assertThat(slow.get("rules").get("intervals").asInt()).isEqualTo(2);
        assertThat(slow.get("rules").get("firingSeconds").asLong()).isEqualTo(7 * 60);
        assertThat(slow.get("rules").get("notifications").asInt()).isEqualTo(4);
        assertThat(slow.get("rules").get("onlyHere")).singleElement().satisfies(i -> {
            assertThat(i.get("start").asText()).isEqualTo(T0.plus(Duration.ofMinutes(13)).toString());
            assertThat(i.get("end").asText()).isEqualTo(T0.plus(Duration.ofMinutes(15)).toString());
        });
        assertThat(slow.get("compare").get("intervals").asInt()).isEqualTo(1);
        assertThat(slow.get("compare").get("notifications").asInt()).isEqualTo(2);
        assertThat(slow.get("compare").get("onlyHere")).isEmpty();
        assertThat(slow.has("precision")).as("measures only with --incidents").isFalse();
        JsonNode added = new ObjectMapper().readTree(lines.get(1));
        assertThat(added.get("rule").asText()).isEqualTo("checkout_very_slow");
        assertThat(added.get("rules").get("present").asBoolean()).isFalse();
        assertThat(added.get("compare").get("present").asBoolean()).isTrue();

        assertThat(table.exit).as(table.err).isZero();
        assertThat(table.out).startsWith("checkout_slow:\n  " + rules + ": 2 firing intervals, 4 notifications, 7m"
                + " firing, 1 flap\n    only in " + rules + ":\n      " + T0.plus(Duration.ofMinutes(13)) + " .. "
                + T0.plus(Duration.ofMinutes(15)) + "  {alertname=checkout_slow, app=shop, endpoint=/api/checkout,"
                + " severity=high}  peak 2500\n  " + stricter + ": 1 firing interval, 2 notifications, ");
        assertThat(table.out).endsWith("checkout_very_slow:\n  " + rules + ": no such rule\n  " + stricter
                + ": 0 firing intervals, 0 notifications, 0s firing, 0 flaps\n");
    }

    @Test
    void shouldPrintTheSameReportForAnyNumberOfThreads() throws Exception {
        // Given: topics of its own holding five apps' requests, each slow in a stretch of its own (cart and search
        // from the same minute), a rules file with an SLO of no app (every app's), and a stricter rule set to
        // compare with
        Map<String, String> names = new HashMap<>();
        for (Topic topic : HistoryReader.RAW_TOPICS) {
            names.put(topic.configKey(), kafka.uniqueTopicName("backtest-threads-" + topic.configKey()));
        }
        TopicCatalogue apps = TopicCatalogue.withOverrides(names);
        kafka.createCatalogueTopics(apps, 2);
        StringBuilder topics = new StringBuilder("topics:\n");
        names.forEach((k, v) -> topics.append("  ").append(k).append(": ").append(v).append('\n'));
        String rule = topics + """
                windows: {size: 1m, grace: 10s}
                rules:
                  - name: checkout_slow
                    metric: response_time
                    labels: {endpoint: /api/checkout}
                    stat: p95
                    operator: gt
                    threshold: 1000
                    severity: high
                """;
        Path withSlo = Files.writeString(dir.resolve("every-app-slo.yaml"), rule + """
                slos:
                  - name: checkout-latency
                    objective: 99
                    sli: {type: latency, endpoint: /api/checkout, threshold: 1s}
                """);
        Path stricter = Files.writeString(dir.resolve("stricter.yaml"), rule + "    duration: 2\n");
        try (KafkaProducer<String, byte[]> producer = producer(kafka)) {
            String requests = apps.name(Topic.REQUESTS);
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            String[] app = {"shop", "cart", "search", "admin", "api"};
            int[][] slow = {{0, 5}, {2, 4}, {2, 4}, {6, 9}, {10, 11}};
            for (int s = 0; s < 20 * 60; s += 5) {
                for (int a = 0; a < app.length; a++) {
                    Instant at = T0.plusSeconds(s).plusMillis(100L * a);
                    int minute = s / 60;
                    boolean isSlow = minute >= slow[a][0] && minute < slow[a][1];
                    sent.add(send(producer, requests, request(app[a], isSlow ? 1500 + 100 * a : 100, at)));
                }
            }
            sent.add(producer.send(new ProducerRecord<>(requests, null, T0.plusSeconds(61).toEpochMilli(), "shop|x",
                    "not json".getBytes(StandardCharsets.UTF_8))));
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        String[] report = {"--rules", withSlo.toString(), "--from", T0.toString(),
                "--to", T0.plus(Duration.ofMinutes(20)).toString(), "--format", "json",
                "--bootstrap-server", kafka.bootstrapServers()};
        String[] compared = concat(report, "--compare", stricter.toString());

        // When
        Outcome one = backtest(concat(report, "--threads", "1"));
        Outcome four = backtest(concat(report, "--threads", "4"));
        Outcome oneCompared = backtest(concat(compared, "--threads", "1"));
        Outcome fourCompared = backtest(concat(compared, "--threads", "4"));

        // Then: every app's alerts, byte for byte the same
        assertThat(one.exit).as(one.err).isZero();
        assertThat(four.exit).as(four.err).isZero();
        assertThat(one.out.lines()).hasSize(4);
        assertThat(one.out.lines().findFirst().orElseThrow()).contains("\"app\":\"shop\"", "\"app\":\"cart\"",
                "\"app\":\"search\"", "\"app\":\"admin\"", "\"app\":\"api\"");
        assertThat(four.out).isEqualTo(one.out);
        assertThat(oneCompared.exit).as(oneCompared.err).isZero();
        assertThat(oneCompared.out).contains("\"onlyHere\":[{");
        assertThat(fourCompared.out).isEqualTo(oneCompared.out);
        assertThat(four.err).contains("telemetry backtest: 1200 events from").contains("; 1 undecodable records skipped");
        assertThat(backtest(concat(report, "--threads", "0"))).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("--threads: 0 is not at least 1");
        });
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void shouldRefuseBadInputWithAMessageAndNoStackTrace() throws Exception {
        Path badRules = Files.writeString(dir.resolve("bad.yaml"), "rules:\n  - {name: x, metric: y, operator: over}\n");
        String server = kafka.bootstrapServers();
        assertThat(backtest("--from", "-1h")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("--rules FILE is required");
        });
        assertThat(backtest("--rules", rules.toString(), "--from", "-1h", "--to", "-2h")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("the range is empty");
        });
        assertThat(backtest("--rules", rules.toString(), "--from", "-8d")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("beyond the raw topics' retention");
        });
        assertThat(backtest("--rules", rules.toString(), "--from", "yesterday")).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).contains("--from: 'yesterday' is neither an ISO instant");
        });
        assertThat(backtest("--rules", badRules.toString(), "--bootstrap-server", server)).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).startsWith("telemetry backtest: " + badRules + ":2: rules[0].operator: ");
        });
        assertThat(backtest("--rules", rules.toString(), "--from", T0.plus(Duration.ofMinutes(30)).toString(),
                "--bootstrap-server", server)).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.NOTHING);
            assertThat(o.err).contains("no events between");
        });
        Path badIncidents = Files.writeString(dir.resolve("bad-incidents.yaml"), "incidents:\n  - {name: x}\n");
        assertThat(backtest("--rules", rules.toString(), "--incidents", badIncidents.toString())).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).isEqualTo("telemetry backtest: " + badIncidents
                    + ":2: incidents[0].start: is required: a non-empty text\n");
        });
        assertThat(backtest("--rules", rules.toString(), "--compare", badRules.toString())).satisfies(o -> {
            assertThat(o.exit).isEqualTo(BacktestMain.BAD_INPUT);
            assertThat(o.err).startsWith("telemetry backtest: " + badRules + ":2: rules[0].operator: ");
        });
        for (Outcome o : List.of(backtest("--rules", rules.toString(), "--bootstrap-server", "127.0.0.1:1",
                "--timeout", "1s"))) {
            assertThat(o.exit).isEqualTo(BacktestMain.NOTHING);
            assertThat(o.err).contains("cannot read the raw topics from 127.0.0.1:1").doesNotContain("\tat ");
        }
    }

    private record Outcome(int exit, String out, String err) {
    }

    private static Outcome backtest(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            exit = BacktestMain.run(args, o, e, NOW, Map.of());
        }
        return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Envelope request(String app, double durationMs, Instant at) {
        return new Envelope(Envelope.SCHEMA_VERSION, UUID.randomUUID().toString(), null, app, at, at, "203.0.113.9",
                "agent", new RequestEvent("198.51.100.1", "GET", "/api/checkout", 200, durationMs, "agent", null, null,
                at.toEpochMilli()));
    }

    private static Future<RecordMetadata> send(KafkaProducer<String, byte[]> producer, String topic,
                                               Envelope envelope) {
        return producer.send(new ProducerRecord<>(topic, null, envelope.receivedAt().toEpochMilli(), envelope.key(),
                JsonSerde.envelope().serializer().serialize(topic, envelope)));
    }
}
