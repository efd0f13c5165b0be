package dev.telemetry.stack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Tells a newcomer what the pipeline makes of the demo's traffic, by reading what it writes to
 * Kafka — as any analyst's client would: summaries as their windows close (one compact line per
 * series worth watching), the rate-limit finding, alerts firing and resolving, and the alert sink's
 * deliveries. It also keeps track of the milestones the demo promises, for tests.
 */
public final class DemoNarrator implements AutoCloseable {

    /** The rule of the demo's processor.yaml that the slow checkout breaks. */
    public static final String RULE = "checkout_slow";
    /** The processor's burn-rate alert on the demo's SLOs (checkout-latency pages while checkout is slow). */
    static final String SLO_BURN_RATE = "slo_burn_rate";
    /** Series printed as their windows close; the others are on telemetry.summaries all the same. */
    private static final List<String> SHOWN = List.of("LCP", "INP", "response_time", "error_rate");
    /** How long after a window's last summary it is printed. */
    private static final Duration QUIET = Duration.ofMillis(1500);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<String, String> consumer;
    private final Map<String, Topic> roles;
    private final PrintStream out;
    private final Thread thread;
    private final long startNanos = System.nanoTime();
    private final CountDownLatch summary = new CountDownLatch(1);
    private final CountDownLatch rateLimitFinding = new CountDownLatch(1);
    private final CountDownLatch firing = new CountDownLatch(1);
    private final CountDownLatch resolved = new CountDownLatch(1);
    private final CountDownLatch burnRatePage = new CountDownLatch(1);
    /** Closed windows whose summaries are still arriving, oldest first (read by the narrator thread only). */
    private final java.util.TreeMap<Instant, ClosedWindow> windows = new java.util.TreeMap<>();
    /** Event alerts already told: the same error may fire again in later windows; the story needs it once. */
    private final Set<String> toldEventAlerts = new java.util.HashSet<>();
    private volatile boolean closing;
    /** The console's URL for the epilogue, or null to leave it out. */
    private final String consoleUrl;

    public DemoNarrator(String bootstrapServers, TopicCatalogue topics, PrintStream out) {
        this(bootstrapServers, topics, out, null);
    }

    public DemoNarrator(String bootstrapServers, TopicCatalogue topics, PrintStream out, String consoleUrl) {
        this.out = out;
        this.consoleUrl = consoleUrl;
        this.roles = Map.of(topics.name(Topic.SUMMARIES), Topic.SUMMARIES, topics.name(Topic.SECURITY), Topic.SECURITY,
                topics.name(Topic.ALERTS), Topic.ALERTS, topics.name(Topic.RATELIMIT), Topic.RATELIMIT,
                topics.name(Topic.NOTIFICATIONS), Topic.NOTIFICATIONS);
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.CLIENT_ID_CONFIG, "demo-narrator-" + UUID.randomUUID(),
                // The processor writes in exactly-once transactions: show only what it committed.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new StringDeserializer(), new StringDeserializer());
        this.thread = new Thread(this::run, "demo-narrator");
        this.thread.setDaemon(true);
    }

    public DemoNarrator start() {
        // No consumer group: the narrator reads every partition of its topics from the beginning.
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : roles.keySet()) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread.start();
        return this;
    }

    public CountDownLatch summarySeen() {
        return summary;
    }

    public CountDownLatch rateLimitFindingSeen() {
        return rateLimitFinding;
    }

    public CountDownLatch firingSeen() {
        return firing;
    }

    public CountDownLatch resolvedSeen() {
        return resolved;
    }

    /** Counted down at the first {@code slo_burn_rate} page (severity critical) on telemetry.alerts. */
    public CountDownLatch burnRatePageSeen() {
        return burnRatePage;
    }

    private void run() {
        try {
            while (!closing) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(250))) {
                    try {
                        narrate(roles.get(record.topic()), JSON.readTree(record.value()));
                    } catch (Exception e) {
                        say("(could not read a record of " + record.topic() + ": " + e.getMessage() + ")");
                    }
                }
                printQuietWindows();
            }
        } catch (WakeupException e) {
            // close() woke the consumer up.
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void narrate(Topic topic, JsonNode value) {
        switch (topic) {
            case SUMMARIES -> summary(value);
            case SECURITY -> finding(value);
            case ALERTS -> alert(value);
            case RATELIMIT -> rateLimitCount(value);
            case NOTIFICATIONS -> delivery(value);
            default -> { }
        }
    }

    private void summary(JsonNode s) {
        summary.countDown();
        Instant windowEnd = Instant.parse(s.path("windowEnd").asText());
        windows.computeIfAbsent(windowEnd, end -> new ClosedWindow(Instant.parse(s.path("windowStart").asText())))
                .add(s, System.nanoTime());
    }

    /**
     * Prints the windows whose summaries stopped arriving a moment ago: a window's summaries come in
     * one or two transactions, and are easier to read together, a few lines per window.
     */
    private void printQuietWindows() {
        long now = System.nanoTime();
        var it = windows.entrySet().iterator();
        while (it.hasNext()) {
            var entry = it.next();
            ClosedWindow window = entry.getValue();
            if (now - window.lastArrival < QUIET.toNanos()) {
                return;
            }
            it.remove();
            say("window %s–%s closed: %d series summarised on telemetry.summaries".formatted(
                    CLOCK.format(window.start), CLOCK.format(entry.getKey()), window.summaries.size()));
            for (String metric : SHOWN) {
                List<JsonNode> series = window.summaries.stream().filter(n -> metric.equals(n.path("metric").asText()))
                        .sorted(java.util.Comparator.comparing(DemoNarrator::place)).toList();
                if (!series.isEmpty()) {
                    say("    " + line(metric, series));
                }
            }
        }
    }

    private static String line(String metric, List<JsonNode> series) {
        return switch (metric) {
            case "error_rate" -> {
                JsonNode s = series.get(0);
                yield "%-13s %.1f %% of %d requests failed".formatted("error rate", s.path("mean").asDouble() * 100,
                        s.path("count").asLong());
            }
            case "response_time" -> "%-13s %s".formatted("response p95", String.join(" · ", series.stream()
                    .map(s -> place(s) + " " + whole(s.path("p95").asDouble()) + " ms").toList()));
            default -> "%-13s %s".formatted(metric + " p75", String.join(" · ", series.stream()
                    .map(s -> place(s) + " " + whole(s.path("p75").asDouble()) + " ms")
                    .toList()));
        };
    }

    /** Where a series was measured: its page or endpoint. */
    private static String place(JsonNode summary) {
        JsonNode labels = summary.path("labels");
        return labels.path("page").asText(labels.path("endpoint").asText("(all)"));
    }

    /** The summaries of one window that have arrived so far. */
    private static final class ClosedWindow {
        final Instant start;
        final List<JsonNode> summaries = new ArrayList<>();
        long lastArrival;

        ClosedWindow(Instant start) {
            this.start = start;
        }

        void add(JsonNode summary, long at) {
            summaries.add(summary);
            lastArrival = at;
        }
    }

    private void finding(JsonNode envelope) {
        JsonNode event = envelope.path("event");
        JsonNode data = event.path("data");
        if (!"stream-processor".equals(data.path("source").asText())) {
            return;
        }
        if ("Rate Limit Exceeded".equals(event.path("event").asText())) {
            rateLimitFinding.countDown();
            say("RATE LIMIT  %s sent more than %d requests a minute to %s — finding on telemetry.security (severity %s)"
                    .formatted(data.path("ip").asText(), data.path("limit").asLong(), data.path("endpoint").asText(),
                            event.path("severity").asText()));
        } else {
            say("SECURITY    %s from %s — finding on telemetry.security".formatted(event.path("event").asText(),
                    envelope.path("clientIp").asText()));
        }
    }

    private void alert(JsonNode a) {
        String rule = a.path("rule").asText();
        String status = a.path("status").asText();
        if (SLO_BURN_RATE.equals(rule)) {
            burnRate(a, status);
            return;
        }
        if (RULE.equals(rule)) {
            String series = a.path("labels").path("endpoint").asText();
            switch (status) {
                case "firing" -> {
                    firing.countDown();
                    say("ALERT FIRING    %s: p95 of %s is %s ms (threshold %s %s) — \"%s\"".formatted(rule, series,
                            whole(a.path("value").asDouble()), a.path("operator").asText(), whole(a.path("threshold").asDouble()),
                            a.path("annotations").path("summary").asText()));
                }
                case "resolved" -> {
                    resolved.countDown();
                    say("ALERT RESOLVED  %s: p95 of %s is back to %s ms; it fired at %s and ended at %s".formatted(rule, series,
                            whole(a.path("value").asDouble()), CLOCK.format(Instant.parse(a.path("startsAt").asText())),
                            CLOCK.format(Instant.parse(a.path("endsAt").asText()))));
                    epilogue();
                }
                default -> say("alert %s    %s on %s".formatted(status, rule, series));
            }
            return;
        }
        // Event alerts: each finding or new error is one firing alert.
        String subject = switch (rule) {
            case "rate_limit_exceeded" -> a.path("labels").path("ip").asText() + " on " + a.path("labels").path("endpoint").asText();
            default -> a.path("annotations").path("summary").asText(a.path("metric").asText());
        };
        if (!toldEventAlerts.add(rule + '\0' + subject + '\0' + status)) {
            return;
        }
        say("ALERT %-9s %s (%s) — telemetry.alerts".formatted(status, rule, subject));
    }

    /** A burn-rate alert: which SLO, how fast its budget burns over both windows, how much is left. */
    private void burnRate(JsonNode a, String status) {
        JsonNode labels = a.path("labels");
        JsonNode notes = a.path("annotations");
        boolean page = "critical".equals(a.path("severity").asText());
        String windows = labels.path("long_window").asText() + "/" + labels.path("short_window").asText();
        switch (status) {
            case "firing" -> {
                if (page) {
                    burnRatePage.countDown();
                }
                say("SLO %s  %s of %s: error budget burning %s× over %s and %s× over %s (threshold %s×); %s of the budget left — slo_burn_rate, %s"
                        .formatted(page ? "PAGE  " : "TICKET", labels.path("slo").asText(), labels.path("app").asText(),
                                notes.path("long_window_burn_rate").asText(), labels.path("long_window").asText(),
                                notes.path("short_window_burn_rate").asText(), labels.path("short_window").asText(),
                                a.path("threshold").asText(), percent(notes.path("budget_remaining").asDouble()),
                                a.path("severity").asText()));
            }
            case "resolved" -> say("SLO OK      %s of %s: the %s burn rate fell back below %s× (%s %s resolved)"
                    .formatted(labels.path("slo").asText(), labels.path("app").asText(),
                            labels.path("short_window").asText(), a.path("threshold").asText(), windows,
                            a.path("severity").asText()));
            default -> say("SLO %s %s %s".formatted(status, labels.path("slo").asText(), windows));
        }
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.0f %%", fraction * 100);
    }

    private void rateLimitCount(JsonNode r) {
        if (r.path("exceeded").asBoolean()) {
            say("telemetry.ratelimit: %s made %d requests to %s in the minute from %s (limit %d)".formatted(
                    r.path("ip").asText(), r.path("count").asLong(), r.path("endpoint").asText(),
                    CLOCK.format(Instant.parse(r.path("windowStart").asText())), r.path("limit").asLong()));
        }
    }

    private void delivery(JsonNode attempt) {
        String rule = attempt.path("rule").asText();
        if ((RULE.equals(rule) || "rate_limit_exceeded".equals(rule)) && "delivered".equals(attempt.path("outcome").asText())) {
            say("    ↳ the alert sink delivered the %s %s to receiver '%s' (telemetry.notifications)".formatted(
                    attempt.path("status").asText(), rule, attempt.path("receiver").asText()));
        }
    }

    private void epilogue() {
        String console = consoleUrl == null ? ""
                : String.format(Locale.ROOT, "  %-41sthe console: every view of it, updated live\n", consoleUrl);
        say("That is the whole loop: events in, summaries out, a finding, an alert fired and resolved.\n"
                + "The stack keeps running with ordinary traffic. Look around:\n"
                + console
                + """
                  ./telemetry read telemetry.summaries     every series of every window
                  ./telemetry read telemetry.alerts        pending / firing / resolved, with fingerprints
                  ./telemetry read telemetry.slo           per SLO and window: SLI, burn rates, budget left
                  curl localhost:8081/summaries/recent     the processor's latest summary per series
                  curl localhost:8082/health               the sink and its receivers
                Ctrl-C stops everything.""");
    }

    private void say(String text) {
        long seconds = Duration.ofNanos(System.nanoTime() - startNanos).toSeconds();
        String prefix = String.format(Locale.ROOT, "[+%d:%02d] ", seconds / 60, seconds % 60);
        synchronized (out) {
            out.println(prefix + text);
        }
    }

    private static String whole(double value) {
        return String.format(Locale.ROOT, "%.0f", value);
    }

    @Override
    public void close() {
        closing = true;
        if (!thread.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
