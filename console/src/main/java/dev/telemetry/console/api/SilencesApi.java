package dev.telemetry.console.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.silence.Silence;
import dev.telemetry.console.silence.SinkSilences;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Silences, through the alert sink's API ({@link SinkSilences}); HTTP-free like {@link ConsoleApi}.
 *
 * <ul>
 *   <li>{@code GET /api/silences?state=active,pending}: {@code {count, counts: {active, pending, expired},
 *   silences: [{id, state, matchers, startsAt, endsAt, updatedAt, createdBy, comment}]}}: active first (ending
 *   soonest first), then pending, then expired (most recent first, at most {@value #MAX_EXPIRED}).</li>
 *   <li>{@code POST /api/silences} with {@code {matchers: [{name, value, isRegex, isEqual}], duration: "2h" | endsAt,
 *   startsAt?, createdBy, comment}} → {@code {silenceID, startsAt, endsAt}}. Checked here first, so a mistake is a
 *   400 naming the field before the sink is asked.</li>
 *   <li>{@code DELETE /api/silences/{id}} → {@code {silence}} (expired now).</li>
 * </ul>
 * After a write the change feed names {@code silences}, so open pages re-read the list.
 */
public final class SilencesApi {

    enum State { ACTIVE, PENDING, EXPIRED }

    static final int MAX_EXPIRED = 200;
    static final int MAX_MATCHERS = 20;
    static final int MAX_VALUE = 1000;
    static final int MAX_COMMENT = 1000;
    static final int MAX_CREATED_BY = 100;
    static final Duration MIN_DURATION = Duration.ofMinutes(1);
    static final Duration MAX_DURATION = Duration.ofDays(90);
    private static final Set<String> LIST_PARAMS = Set.of("state");
    private static final List<String> FIELDS = List.of("matchers", "duration", "endsAt", "startsAt", "createdBy", "comment");
    private static final Set<String> MATCHER_FIELDS = Set.of("name", "value", "isRegex", "isEqual");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]{0,99}");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
    private static final Pattern DURATION = Pattern.compile("(?:(\\d{1,5})d)?(?:(\\d{1,5})h)?(?:(\\d{1,6})m)?(?:(\\d{1,8})s)?");

    private final SinkSilences sink;
    private final ChangeFeed feed;
    private final JsonCodec codec;
    private final Clock clock;

    public SilencesApi(SinkSilences sink, ChangeFeed feed, JsonCodec codec, Clock clock) {
        this.sink = sink;
        this.feed = feed;
        this.codec = codec;
        this.clock = clock;
    }

    public Map<String, Object> list(Map<String, List<String>> query) {
        for (String key : query.keySet()) {
            if (!LIST_PARAMS.contains(key)) {
                throw new BadParameter(key, "unknown parameter (known: state)");
            }
        }
        Set<State> wanted = states(query.get("state"));
        Map<State, List<Silence>> byState = new LinkedHashMap<>();
        for (State s : State.values()) {
            byState.put(s, new ArrayList<>());
        }
        for (Silence silence : sink.list()) {
            State state;
            try {
                state = State.valueOf(silence.state().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                continue; // a state this console does not know: not shown rather than mislabelled
            }
            byState.get(state).add(silence);
        }
        byState.get(State.ACTIVE).sort(Comparator.comparing(Silence::endsAt));
        byState.get(State.PENDING).sort(Comparator.comparing(Silence::startsAt));
        byState.get(State.EXPIRED).sort(Comparator.comparing(Silence::endsAt).reversed());
        Map<String, Object> counts = new LinkedHashMap<>();
        List<Silence> shown = new ArrayList<>();
        int count = 0;
        for (State s : State.values()) {
            List<Silence> list = byState.get(s);
            counts.put(s.name().toLowerCase(Locale.ROOT), list.size());
            if (wanted.contains(s)) {
                count += list.size();
                shown.addAll(s == State.EXPIRED && list.size() > MAX_EXPIRED ? list.subList(0, MAX_EXPIRED) : list);
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", count);
        body.put("counts", counts);
        body.put("silences", shown);
        return body;
    }

    private static Set<State> states(List<String> values) {
        if (values == null || values.isEmpty()) {
            return EnumSet.allOf(State.class);
        }
        if (values.size() > 1) {
            throw new BadParameter("state", "given more than once");
        }
        Set<State> states = EnumSet.noneOf(State.class);
        for (String part : values.get(0).split(",", -1)) {
            try {
                states.add(State.valueOf(part.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new BadParameter("state", "must be active, pending or expired (comma-separated for several)");
            }
        }
        return states;
    }

    public Map<String, Object> create(byte[] bytes) {
        JsonNode body;
        try {
            body = codec.readTree(bytes);
        } catch (InvalidJsonException e) {
            throw new BadParameter("body", "is not JSON");
        }
        if (body == null || !body.isObject()) {
            throw new BadParameter("body", "must be a JSON object {matchers, duration or endsAt, createdBy, comment}");
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new BadParameter(name, "unknown field (known: " + String.join(", ", FIELDS) + ")");
            }
        }
        List<Map<String, Object>> matchers = matchers(body.get("matchers"));
        Instant now = clock.instant();
        Instant startsAt = body.hasNonNull("startsAt") ? instant(body, "startsAt") : now;
        Instant endsAt;
        boolean hasDuration = body.hasNonNull("duration");
        if (hasDuration == body.hasNonNull("endsAt")) {
            throw new BadParameter("duration", "give either duration (e.g. 2h, 30m, 1d12h) or endsAt");
        }
        if (hasDuration) {
            endsAt = startsAt.plus(duration(text(body, "duration", 20)));
        } else {
            endsAt = instant(body, "endsAt");
            if (!endsAt.isAfter(startsAt)) {
                throw new BadParameter("endsAt", "must be after startsAt");
            }
            if (Duration.between(startsAt, endsAt).compareTo(MAX_DURATION) > 0) {
                throw new BadParameter("endsAt", "a silence lasts at most " + MAX_DURATION.toDays() + " days");
            }
        }
        if (!endsAt.isAfter(now)) {
            throw new BadParameter("endsAt", "must be in the future: this silence would already be over");
        }
        String createdBy = text(body, "createdBy", MAX_CREATED_BY);
        String comment = text(body, "comment", MAX_COMMENT);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("matchers", matchers);
        request.put("startsAt", startsAt.toString());
        request.put("endsAt", endsAt.toString());
        request.put("createdBy", createdBy);
        request.put("comment", comment);
        String id = sink.create(request);
        feed.changed("silences");
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("silenceID", id);
        answer.put("startsAt", startsAt.toString());
        answer.put("endsAt", endsAt.toString());
        return answer;
    }

    public Map<String, Object> expire(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new BadParameter("id", "must be a silence id (letters, digits, - and _)");
        }
        Silence expired = sink.expire(id);
        feed.changed("silences");
        return Map.of("silence", expired);
    }

    private static List<Map<String, Object>> matchers(JsonNode list) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new BadParameter("matchers", "at least one matcher {name, value, isRegex, isEqual} is required");
        }
        if (list.size() > MAX_MATCHERS) {
            throw new BadParameter("matchers", "at most " + MAX_MATCHERS + " matchers");
        }
        List<Map<String, Object>> matchers = new ArrayList<>();
        boolean selective = false;
        for (int i = 0; i < list.size(); i++) {
            JsonNode m = list.get(i);
            String at = "matchers[" + i + "]";
            if (!m.isObject()) {
                throw new BadParameter(at, "must be an object {name, value, isRegex, isEqual}");
            }
            for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!MATCHER_FIELDS.contains(name)) {
                    throw new BadParameter(at + "." + name, "unknown field (known: name, value, isRegex, isEqual)");
                }
            }
            String name = m.path("name").asText("");
            if (!m.path("name").isTextual() || !LABEL_NAME.matcher(name).matches()) {
                throw new BadParameter(at + ".name", "must be a label name (a letter or _, then letters, digits or _)");
            }
            JsonNode valueNode = m.get("value");
            if (valueNode != null && !valueNode.isNull() && !valueNode.isTextual()) {
                throw new BadParameter(at + ".value", "must be a string");
            }
            String value = valueNode == null || valueNode.isNull() ? "" : valueNode.asText();
            if (value.length() > MAX_VALUE) {
                throw new BadParameter(at + ".value", "at most " + MAX_VALUE + " characters");
            }
            boolean isRegex = bool(m, "isRegex", false, at);
            boolean isEqual = bool(m, "isEqual", true, at);
            boolean matchesEmpty;
            if (isRegex) {
                try {
                    matchesEmpty = Pattern.compile(value).matcher("").matches();
                } catch (PatternSyntaxException e) {
                    throw new BadParameter(at + ".value", "is not a valid regular expression");
                }
            } else {
                matchesEmpty = value.isEmpty();
            }
            selective |= matchesEmpty != isEqual;
            Map<String, Object> matcher = new LinkedHashMap<>();
            matcher.put("name", name);
            matcher.put("value", value);
            matcher.put("isRegex", isRegex);
            matcher.put("isEqual", isEqual);
            matchers.add(matcher);
        }
        // As Alertmanager: a silence whose every matcher accepts a missing label would mute every alert.
        if (!selective) {
            throw new BadParameter("matchers", "at least one matcher must not match an empty label value: this silence would mute every alert");
        }
        return matchers;
    }

    private static boolean bool(JsonNode m, String field, boolean fallback, String at) {
        JsonNode node = m.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new BadParameter(at + "." + field, "must be true or false");
        }
        return node.asBoolean();
    }

    private static String text(JsonNode body, String field, int max) {
        JsonNode node = body.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new BadParameter(field, "is required: the on-call engineer must know who muted what and why");
        }
        String text = node.asText().strip();
        if (text.length() > max) {
            throw new BadParameter(field, "at most " + max + " characters");
        }
        return text;
    }

    private static Instant instant(JsonNode body, String field) {
        JsonNode node = body.get(field);
        try {
            return Instant.parse(node.asText(""));
        } catch (DateTimeParseException e) {
            throw new BadParameter(field, "must be an RFC 3339 time like 2024-05-01T10:00:00Z");
        }
    }

    /** {@code 2h}, {@code 30m}, {@code 1d12h}, {@code 90s}, or ISO-8601 ({@code PT2H}); between 1 minute and 90 days. */
    static Duration duration(String text) {
        Duration d;
        java.util.regex.Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (m.matches() && !text.isBlank()) {
            d = Duration.ofDays(num(m.group(1))).plusHours(num(m.group(2))).plusMinutes(num(m.group(3))).plusSeconds(num(m.group(4)));
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                throw new BadParameter("duration", "must be like 2h, 30m or 1d12h");
            }
        }
        if (d.compareTo(MIN_DURATION) < 0 || d.compareTo(MAX_DURATION) > 0) {
            throw new BadParameter("duration", "must be between 1 minute and " + MAX_DURATION.toDays() + " days");
        }
        return d;
    }

    private static long num(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }
}
