package dev.telemetry.rulelab.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.Envelope;
import dev.telemetry.events.ErrorEvent;
import dev.telemetry.events.MetricEvent;
import dev.telemetry.events.RequestEvent;
import dev.telemetry.events.TelemetryEvent;
import dev.telemetry.events.derived.AlertStatus;
import dev.telemetry.events.serde.JsonSerde;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.processor.intake.Decoded;
import dev.telemetry.processor.intake.DecodedSerde;
import dev.telemetry.rulelab.unit.RuleTestParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay driven past TopologyTestDriver's per-record topic check and commit ({@link DriverAccess}) gives what
 * the driver's public methods give, output for output: rule transitions, summaries, event alerts, findings,
 * rate-limit counts, dead letters, the alerts active at each minute.
 */
class ReplayTest {

    private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void shouldGiveTheSameOutputsDrivenFastAsThroughTheDriversPublicMethods() throws Exception {
        Path rules = Files.writeString(dir.resolve("processor.yaml"), """
                windows: {size: 1m, grace: 10s}
                rules:
                  - {name: checkout_slow, metric: response_time, labels: {endpoint: /api/checkout}, stat: p95,
                     operator: gt, threshold: 1000, duration: 2, severity: high}
                  - {name: busy, metric: queue_depth, stat: max, operator: gt, threshold: 100, duration: 2,
                     keep_firing_for: 2m, severity: medium}
                  - {name: failing, metric: error_rate, operator: gt, threshold: 0.2, severity: high}
                """);
        LabSettings settings = LabSettings.rulesOf(RuleTestParser.loadRulesFile(rules));

        List<String> slow = run(settings, false, false);
        List<String> fast = run(settings, true, false);
        List<String> predecoded = run(settings, true, true);

        assertThat(fast).isEqualTo(slow);
        assertThat(predecoded).isEqualTo(fast);
        assertThat(slow).anyMatch(line -> line.startsWith("transition checkout_slow PENDING"))
                .anyMatch(line -> line.startsWith("transition checkout_slow FIRING"))
                .anyMatch(line -> line.startsWith("transition busy RESOLVED"))
                .anyMatch(line -> line.startsWith("transition failing FIRING"))
                .anyMatch(line -> line.startsWith("output telemetry.ratelimit"))
                .anyMatch(line -> line.startsWith("dead letters 1"));
    }

    @Test
    void shouldDriveTheDriverPastItsPerRecordCheckAndCommit() {
        // If this fails after a Kafka upgrade, the driver's internals moved: replays still work, only slower.
        try (Replay replay = new Replay(new LabSettings(List.of(), Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(1), null, null), T0)) {
            assertThat(replay.fast()).isTrue();
        }
    }

    @Test
    void shouldTakeAValueDecodedBeforeForThatVeryArrayOnly() {
        // A valid envelope handed on with a poison "decoded before": the topology takes it (dead-lettered), so the
        // driver passed the very array on to the source. If this fails after a Kafka upgrade, the driver copies the
        // values it is given: a backtest still decodes every record right, on the replaying thread, only slower.
        LabSettings settings = new LabSettings(List.of(), Duration.ofMinutes(1), Duration.ofSeconds(10),
                Duration.ofSeconds(1), null, null);
        String topic = settings.processorSettings().topics().name(Topic.REQUESTS);
        Envelope e = request("10.0.0.1", "/api/checkout", 200, 200, null, T0);
        byte[] key = e.key().getBytes(StandardCharsets.UTF_8);
        byte[] value = JsonSerde.envelope().serializer().serialize(topic, e);
        Decoded marked = Decoded.poison(value, "marked");
        try (Replay replay = new Replay(settings, T0)) {
            replay.send(Topic.REQUESTS, key, value, marked, T0);
            replay.drainOutputs();
            assertThat(replay.deadLetters()).isEqualTo(1);
            // The hint holds for that record only: the same array again, without one, is decoded.
            replay.send(Topic.REQUESTS, key, value, T0);
            replay.drainOutputs();
            assertThat(replay.deadLetters()).isEqualTo(1);
        }
        // Only for the very array on the very topic.
        Replay.Hint hint = new Replay.Hint();
        assertThat(hint.lookup(topic, value)).isNull();
        hint.set(topic, value, marked);
        assertThat(hint.lookup(topic, value)).isSameAs(marked);
        assertThat(hint.lookup(topic, value.clone())).isNull();
        assertThat(hint.lookup(topic + "x", value)).isNull();
        assertThat(hint.lookup(topic, null)).isNull();
        hint.set(null, null, null);
        assertThat(hint.lookup(topic, value)).isNull();
    }

    /**
     * Everything the replay wrote, in order, with the alerts active at every minute.
     *
     * @param predecoded whether the envelopes go in as raw records with their values decoded before, as a parallel
     *                   backtest's router hands them on
     */
    private static List<String> run(LabSettings settings, boolean fast, boolean predecoded) {
        List<String> log = new ArrayList<>();
        DecodedSerde decoder = new DecodedSerde();
        try (Replay plain = new Replay(settings, T0, fast)) {
            Sender replay = new Sender(plain, predecoded ? decoder : null, settings);
            assertThat(replay.fast()).isEqualTo(fast);
            replay.onSummary(s -> log.add("summary " + s));
            replay.onEveryOutput(a -> log.add("alert " + a),
                    (topic, value) -> log.add("output " + topic + " " + new String(value, StandardCharsets.UTF_8)));
            for (int s = 0; s < 16 * 60; s++) {
                Instant at = T0.plusSeconds(s);
                int minute = s / 60;
                boolean slowCheckout = (minute >= 2 && minute < 6) || minute == 9;
                replay.send(request("10.0.0." + (s % 7), "/api/checkout", slowCheckout ? 2500 : 200,
                        minute >= 7 && minute < 9 && s % 2 == 0 ? 500 : 200, null, at));
                if (s % 5 == 0) {
                    replay.send(envelope(new MetricEvent("queue_depth", minute >= 3 && minute < 6 ? 500 : 10,
                            at.toEpochMilli(), Map.of("queue", "orders")), at));
                }
                if (minute == 12) {
                    // One client over the rate limit, and an injection attempt now and then.
                    for (int i = 0; i < 20; i++) {
                        replay.send(request("198.51.100.7", "/api/search", 50, 200,
                                i == 0 && s % 10 == 0 ? "q=' OR 1=1 --" : null, at));
                    }
                }
                if (s % 97 == 0) {
                    replay.send(envelope(new ErrorEvent("TypeError: x is undefined " + (s % 3), "TypeError", null,
                            null, Map.of(), "error", "/checkout", at.toEpochMilli()), at));
                }
                if (s % 61 == 30) {
                    // Late: appended 40 s after it happened, past the grace of its window when it is a minute old.
                    Instant happened = at.minusSeconds(40);
                    replay.send(envelope(new MetricEvent("queue_depth", 1000, happened.toEpochMilli(),
                            Map.of("queue", "orders")), happened), at);
                }
                if (s == 300) {
                    replay.send(Topic.REQUESTS, "shop|x".getBytes(StandardCharsets.UTF_8),
                            "not json".getBytes(StandardCharsets.UTF_8), at);
                }
                if (s % 60 == 59) {
                    replay.drainTransitions().forEach(t -> log.add("transition " + t.rule() + " " + t.status() + " "
                            + t.labels() + " " + t.startsAt() + " " + t.evaluatedAt() + " " + t.value()));
                    replay.activeAlerts().forEach(a -> log.add("active " + a));
                }
            }
            // Quiet: the wall clock closes the last windows, and keep_firing_for runs out.
            for (int m = 1; m <= 6; m++) {
                replay.advanceTo(T0.plus(Duration.ofMinutes(16 + m)));
                replay.drainOutputs();
                replay.drainTransitions().forEach(t -> log.add("transition " + t.rule() + " " + t.status() + " "
                        + t.labels() + " " + t.startsAt() + " " + t.evaluatedAt() + " " + t.value()));
                replay.activeAlerts().forEach(a -> log.add("active " + a));
            }
            log.add("dead letters " + replay.deadLetters());
            log.add("late " + replay.metrics().lateDropped() + ", summaries " + replay.metrics().summaries()
                    + ", ignored " + replay.metrics().ignored());
            assertThat(replay.drainTransitions()).noneMatch(t -> t.status() == AlertStatus.PENDING);
        }
        return log;
    }

    /**
     * The replay, its envelopes sent as they are or, with a decoder, encoded and sent as raw records with the value
     * decoded before (raw records too).
     */
    private record Sender(Replay replay, DecodedSerde decoder, LabSettings settings) {

        void send(Envelope envelope) {
            send(envelope, envelope.receivedAt());
        }

        void send(Envelope envelope, Instant arrival) {
            if (decoder == null) {
                replay.send(envelope, arrival);
                return;
            }
            String topic = settings.processorSettings().topics().name(envelope.type().topic());
            send(envelope.type().topic(), envelope.key().getBytes(StandardCharsets.UTF_8),
                    JsonSerde.envelope().serializer().serialize(topic, envelope), arrival);
        }

        void send(Topic topic, byte[] key, byte[] value, Instant arrival) {
            if (decoder == null) {
                replay.send(topic, key, value, arrival);
                return;
            }
            replay.send(topic, key, value, decoder.decode(settings.processorSettings().topics().name(topic), value),
                    arrival);
        }

        boolean fast() {
            return replay.fast();
        }

        void onSummary(java.util.function.Consumer<dev.telemetry.events.derived.Summary> listener) {
            replay.onSummary(listener);
        }

        void onEveryOutput(java.util.function.Consumer<dev.telemetry.events.derived.AlertEvent> alerts,
                           java.util.function.BiConsumer<String, byte[]> others) {
            replay.onEveryOutput(alerts, others);
        }

        List<dev.telemetry.events.derived.AlertEvent> drainTransitions() {
            return replay.drainTransitions();
        }

        List<ActiveAlert> activeAlerts() {
            return replay.activeAlerts();
        }

        void advanceTo(Instant at) {
            replay.advanceTo(at);
        }

        void drainOutputs() {
            replay.drainOutputs();
        }

        long deadLetters() {
            return replay.deadLetters();
        }

        LabMetrics metrics() {
            return replay.metrics();
        }
    }

    private static Envelope request(String ip, String endpoint, double durationMs, int status, String query,
                                    Instant at) {
        return envelope(new RequestEvent(ip, "GET", endpoint, status, durationMs, "agent", null, query,
                at.toEpochMilli()), at);
    }

    private static Envelope envelope(TelemetryEvent event, Instant at) {
        // Deterministic ids: both runs must see the same envelopes.
        String id = "e-" + at.toEpochMilli() + "-" + event.hashCode();
        return new Envelope(Envelope.SCHEMA_VERSION, id, null, "shop", at, at, "203.0.113.9", "agent", event);
    }
}
