package dev.telemetry.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.console.refusal.ApiError;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.rulelab.backtest.Backtest.RuleReport;
import dev.telemetry.rulelab.backtest.BacktestMain;
import dev.telemetry.rulelab.backtest.BacktestRun;
import dev.telemetry.rulelab.backtest.HistoryReader;
import dev.telemetry.rulelab.backtest.ReportFormat;
import dev.telemetry.rulelab.replay.LabSettings;
import dev.telemetry.rulelab.unit.RuleTestParser;
import dev.telemetry.service.config.ConfigException;
import dev.telemetry.service.config.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

/**
 * {@code POST /api/lab/backtest}: the "try this rule" page's backtest. One rule from the form's fields is replayed
 * over the raw topics' history (rule-lab's {@link BacktestRun}: the production topology in a throw-away run that
 * writes nothing and joins no group), on the processor's shipped window settings. Body:
 * {@code {"metric", "stat", "labels": {..}, "operator", "threshold", "for", "keep_firing_for", "app", "from", "to"}}
 * (metric, operator and threshold required; times as {@code ./telemetry backtest} takes them, default the last 6 h).
 * Answer: {@code {"from", "to", "events", "seconds", "rules": [the rule's object as --format json prints it]}}.
 *
 * <p>Bounded because it costs CPU: one backtest at a time (another is 429 {@code busy}), at most
 * {@link #MAX_RANGE} of history, and a time limit (504 {@code time_limit}). A bad field is 400 naming it.
 */
public final class LabApi {

    public static final Duration DEFAULT_RANGE = Duration.ofHours(6);
    public static final Duration MAX_RANGE = Duration.ofHours(24);
    /** The raw topics' retention: nothing older is there to replay. */
    static final Duration RETENTION = Duration.ofDays(7);
    private static final Set<String> FIELDS = Set.of("metric", "stat", "labels", "operator", "threshold", "for",
            "keep_firing_for", "app", "from", "to");
    private static final Pattern NAME = Pattern.compile("[\\p{L}\\p{N} ._:/\\-]{1,200}");
    private static final int MAX_LABELS = 10;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String bootstrap;
    private final TopicCatalogue topics;
    private final JsonCodec codec;
    private final Clock clock;
    private final Duration timeLimit;
    private final Semaphore running = new Semaphore(1);

    public LabApi(String bootstrap, TopicCatalogue topics, JsonCodec codec, Clock clock, Duration timeLimit) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.codec = codec;
        this.clock = clock;
        this.timeLimit = timeLimit;
    }

    /** Whether a backtest holds the one slot now (for tests that need one running). */
    boolean running() {
        return running.availablePermits() == 0;
    }

    public ObjectNode backtest(String contentType, byte[] body) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            // JSON only: a cross-site form cannot send it without a CORS preflight, which this server never grants.
            throw new ApiError(415, "unsupported_media_type", "send the rule as JSON with Content-Type: application/json");
        }
        JsonNode request;
        try {
            request = codec.readTree(body);
        } catch (InvalidJsonException e) {
            throw new BadParameter("body", "is not JSON");
        }
        if (request == null || !request.isObject()) {
            throw new BadParameter("body", "must be a JSON object with metric, operator, threshold, ...");
        }
        for (Iterator<String> it = request.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw new BadParameter(field, "unknown field (known: " + String.join(", ", new java.util.TreeSet<>(FIELDS))
                        + ")");
            }
        }
        LabSettings settings = rule(request);
        String app = optionalName(request, "app");
        Instant now = clock.instant();
        Instant to = time(request, "to", now, now);
        Instant from = time(request, "from", now, to.minus(DEFAULT_RANGE));
        if (to.isAfter(now.plusSeconds(1))) {
            throw new BadParameter("to", to + " is in the future");
        }
        if (!to.isAfter(from)) {
            throw new BadParameter("from", "the range is empty: from (" + from + ") is not before to (" + to + ")");
        }
        if (Duration.between(from, to).compareTo(MAX_RANGE) > 0) {
            throw new BadParameter("from", "the range is longer than " + Durations.format(MAX_RANGE)
                    + ", the most one backtest here may replay (./telemetry backtest has no such limit)");
        }
        if (from.isBefore(now.minus(RETENTION))) {
            throw new BadParameter("from", from + " is beyond the raw topics' retention (7d)");
        }
        if (!running.tryAcquire()) {
            throw new ApiError(429, "busy", "another backtest is running: one at a time; try again when it is done");
        }
        BacktestRun.Result result;
        try {
            result = BacktestRun.run(List.of(settings), topics, bootstrap, from, to, app, Duration.ofMinutes(15),
                    Duration.ofSeconds(10), timeLimit);
        } catch (HistoryReader.Unreachable | org.apache.kafka.common.KafkaException e) {
            throw new ApiError(503, "kafka_unavailable", "cannot read the raw topics: " + e.getMessage());
        } catch (BacktestRun.TimeLimitExceeded e) {
            throw new ApiError(504, "time_limit", "the backtest " + e.getMessage());
        } finally {
            running.release();
        }
        ObjectNode answer = NODES.objectNode();
        answer.put("from", from.toString());
        answer.put("to", to.toString());
        answer.put("events", result.stats().delivered());
        answer.put("seconds", Math.round(result.seconds() * 1000) / 1000.0);
        ArrayNode rules = answer.putArray("rules");
        // No events in the range: nothing fired (the CLI says so on stderr and exits 1; the page shows 0 events).
        List<RuleReport> reports = result.reports().isEmpty() ? List.of(new RuleReport("lab", List.of(), 0, 0, 0))
                : result.reports().get(0);
        reports.forEach(r -> rules.add(ReportFormat.json(r, null)));
        return answer;
    }

    /** The form's rule as processor.yaml's syntax, checked by the processor's own configuration code. */
    private static LabSettings rule(JsonNode request) {
        ObjectNode rule = NODES.objectNode();
        rule.put("name", "lab");
        rule.put("metric", requiredName(request, "metric"));
        String stat = optionalName(request, "stat");
        if (stat != null) {
            rule.put("stat", stat);
        }
        JsonNode labels = request.get("labels");
        if (labels != null && !labels.isNull()) {
            if (!labels.isObject() || labels.size() > MAX_LABELS) {
                throw new BadParameter("labels", "must be an object of at most " + MAX_LABELS + " label: value pairs");
            }
            ObjectNode copy = rule.putObject("labels");
            for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!NAME.matcher(e.getKey()).matches() || !e.getValue().isTextual()
                        || !NAME.matcher(e.getValue().asText()).matches()) {
                    throw new BadParameter("labels", "label " + e.getKey() + ": keys and values are short texts");
                }
                copy.put(e.getKey(), e.getValue().asText());
            }
        }
        rule.put("operator", requiredName(request, "operator"));
        JsonNode threshold = request.get("threshold");
        if (threshold == null || !threshold.isNumber()) {
            throw new BadParameter("threshold", "is required: a number");
        }
        rule.set("threshold", threshold);
        Duration forDuration = duration(request, "for");
        if (forDuration != null) {
            if (forDuration.toSeconds() % 60 != 0) {
                throw new BadParameter("for", "must be whole minutes (e.g. 0m, 2m, 1h), got " + Durations.format(forDuration));
            }
            rule.put("duration", forDuration.toMinutes());
        }
        Duration keep = duration(request, "keep_firing_for");
        if (keep != null) {
            rule.put("keep-firing-for", Durations.format(keep));
        }
        rule.put("severity", "low");
        ArrayNode rules = NODES.arrayNode();
        rules.add(rule);
        try {
            return RuleTestParser.inlineRules(rules);
        } catch (ConfigException e) {
            // rules[0].operator → operator: the form's own field names
            String key = e.key() == null ? "body" : e.key().replaceFirst("^rules\\[0]\\.", "");
            String field = switch (key) {
                case "duration" -> "for";
                case "keep-firing-for" -> "keep_firing_for";
                default -> key;
            };
            String message = e.getMessage();
            String prefix = e.key() + ": ";
            throw new BadParameter(field, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
        }
    }

    private static String requiredName(JsonNode request, String field) {
        String value = optionalName(request, field);
        if (value == null) {
            throw new BadParameter(field, "is required");
        }
        return value;
    }

    private static String optionalName(JsonNode request, String field) {
        JsonNode node = request.get(field);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            return null;
        }
        if (!node.isTextual() || !NAME.matcher(node.asText()).matches()) {
            throw new BadParameter(field, "must be a short text of letters, digits, spaces and ._:/-");
        }
        return node.asText().strip();
    }

    private static Duration duration(JsonNode request, String field) {
        String text = optionalName(request, field);
        if (text == null) {
            return null;
        }
        try {
            return Durations.parse(text);
        } catch (RuntimeException e) {
            throw new BadParameter(field, "'" + text + "' is not a duration such as 0s, 90s, 5m, 1h");
        }
    }

    private static Instant time(JsonNode request, String field, Instant now, Instant fallback) {
        String text = optionalName(request, field);
        if (text == null) {
            return fallback;
        }
        try {
            return BacktestMain.time(text, now);
        } catch (IllegalArgumentException e) {
            throw new BadParameter(field, e.getMessage());
        }
    }
}
