package dev.telemetry.console.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.silence.FakeSink;
import dev.telemetry.console.silence.Silence;
import dev.telemetry.console.silence.SinkSilences;
import dev.telemetry.events.codec.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The console's silences API: what it checks before asking the sink, what it sends, and how it lists. */
class SilencesApiTest {

    private static final JsonCodec CODEC = JsonCodec.standard();
    private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");

    private final FakeSink sink = new FakeSink();
    private final ChangeFeed feed = new ChangeFeed(60_000, 60_000, 10);
    private final SilencesApi api = new SilencesApi(new SinkSilences(sink.url(), "t", Duration.ofSeconds(5), CODEC), feed, CODEC,
            Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void close() {
        sink.close();
        feed.close();
    }

    private Map<String, Object> create(String json) {
        return api.create(json.getBytes(StandardCharsets.UTF_8));
    }

    private void badParameter(String json, String parameter, String messagePart) {
        assertThatThrownBy(() -> create(json)).isInstanceOfSatisfying(BadParameter.class, e -> {
            assertThat(e.parameter()).isEqualTo(parameter);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void shouldSendTheSinkTheMatchersAndAnEndFromTheDuration() throws Exception {
        sink.answer(200, "{\"silenceID\":\"abc-1\"}");
        Map<String, Object> answer = create("""
                {"matchers":[{"name":"alertname","value":"checkout_slow","isRegex":false,"isEqual":true},
                             {"name":"endpoint","value":"/api/(checkout|cart)","isRegex":true,"isEqual":true}],
                 "duration":"2h","createdBy":" alice ","comment":"payment provider incident"}""");
        assertThat(answer).containsEntry("silenceID", "abc-1").containsEntry("startsAt", "2024-05-01T10:00:00Z")
                .containsEntry("endsAt", "2024-05-01T12:00:00Z");
        JsonNode sent = CODEC.readTree(sink.seen().get(0).body().getBytes(StandardCharsets.UTF_8));
        assertThat(sent.get("matchers")).hasSize(2);
        assertThat(sent.get("matchers").get(1).get("isRegex").asBoolean()).isTrue();
        assertThat(sent.get("createdBy").asText()).isEqualTo("alice");
        assertThat(sent.get("endsAt").asText()).isEqualTo("2024-05-01T12:00:00Z");

        create("""
                {"matchers":[{"name":"app","value":"shop"}],"startsAt":"2024-05-01T11:00:00Z","endsAt":"2024-05-01T13:00:00Z",
                 "createdBy":"bob","comment":"maintenance"}""");
        JsonNode second = CODEC.readTree(sink.seen().get(1).body().getBytes(StandardCharsets.UTF_8));
        assertThat(second.get("startsAt").asText()).isEqualTo("2024-05-01T11:00:00Z");
        assertThat(second.get("matchers").get(0).get("isEqual").asBoolean()).as("defaults to =").isTrue();
    }

    @Test
    void shouldNameTheBadFieldBeforeAskingTheSink() {
        String ok = "\"duration\":\"2h\",\"createdBy\":\"a\",\"comment\":\"c\"";
        String m = "\"matchers\":[{\"name\":\"app\",\"value\":\"shop\"}]";
        badParameter("not json", "body", "not JSON");
        badParameter("[]", "body", "JSON object");
        badParameter("{" + ok + "}", "matchers", "at least one matcher");
        badParameter("{\"matchers\":[]," + ok + "}", "matchers", "at least one matcher");
        badParameter("{\"matchers\":[{\"name\":\"1bad\",\"value\":\"x\"}]," + ok + "}", "matchers[0].name", "label name");
        badParameter("{\"matchers\":[{\"name\":\"app\",\"value\":\"(\",\"isRegex\":true}]," + ok + "}", "matchers[0].value", "regular expression");
        badParameter("{\"matchers\":[{\"name\":\"app\",\"value\":\"x\",\"isEqual\":\"yes\"}]," + ok + "}", "matchers[0].isEqual", "true or false");
        badParameter("{\"matchers\":[{\"name\":\"app\",\"value\":\"x\",\"op\":\"=\"}]," + ok + "}", "matchers[0].op", "unknown field");
        badParameter("{\"matchers\":[{\"name\":\"app\",\"value\":\".*\",\"isRegex\":true}]," + ok + "}", "matchers", "mute every alert");
        badParameter("{\"matchers\":[{\"name\":\"app\",\"value\":\"\"}]," + ok + "}", "matchers", "mute every alert");
        badParameter("{" + m + ",\"createdBy\":\"a\",\"comment\":\"c\"}", "duration", "either duration");
        badParameter("{" + m + ",\"duration\":\"2h\",\"endsAt\":\"2024-05-01T12:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}", "duration", "either");
        badParameter("{" + m + ",\"duration\":\"forever\",\"createdBy\":\"a\",\"comment\":\"c\"}", "duration", "like 2h");
        badParameter("{" + m + ",\"duration\":\"10s\",\"createdBy\":\"a\",\"comment\":\"c\"}", "duration", "between 1 minute");
        badParameter("{" + m + ",\"duration\":\"365d\",\"createdBy\":\"a\",\"comment\":\"c\"}", "duration", "90 days");
        badParameter("{" + m + ",\"endsAt\":\"tomorrow\",\"createdBy\":\"a\",\"comment\":\"c\"}", "endsAt", "RFC 3339");
        badParameter("{" + m + ",\"endsAt\":\"2024-05-01T09:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}", "endsAt", "after startsAt");
        badParameter("{" + m + ",\"startsAt\":\"2024-04-01T09:00:00Z\",\"endsAt\":\"2024-04-01T10:00:00Z\",\"createdBy\":\"a\",\"comment\":\"c\"}",
                "endsAt", "in the future");
        badParameter("{" + m + ",\"duration\":\"2h\",\"comment\":\"c\"}", "createdBy", "who muted what and why");
        badParameter("{" + m + ",\"duration\":\"2h\",\"createdBy\":\"a\",\"comment\":\"  \"}", "comment", "required");
        badParameter("{" + m + ",\"duration\":\"2h\",\"createdBy\":\"a\",\"comment\":\"" + "x".repeat(1001) + "\"}", "comment", "at most 1000");
        badParameter("{" + m + "," + ok + ",\"id\":\"mine\"}", "id", "unknown field");
        assertThat(sink.seen()).as("nothing bad reached the sink").isEmpty();
        assertThatThrownBy(() -> api.expire("../admin")).isInstanceOfSatisfying(BadParameter.class,
                e -> assertThat(e.parameter()).isEqualTo("id"));
    }

    @Test
    void shouldReadDurationsAsPeopleWriteThem() {
        assertThat(SilencesApi.duration("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(SilencesApi.duration("90m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(SilencesApi.duration("1d12h")).isEqualTo(Duration.ofHours(36));
        assertThat(SilencesApi.duration("PT45M")).isEqualTo(Duration.ofMinutes(45));
    }

    @Test
    void shouldListActiveThenPendingThenExpiredWithCountsAndFilterByState() {
        sink.answer(200, "[" + String.join(",",
                silence("old", "expired", "2024-05-01T08:00:00Z", "2024-05-01T09:00:00Z"),
                silence("later", "active", "2024-05-01T09:00:00Z", "2024-05-01T15:00:00Z"),
                silence("soon", "active", "2024-05-01T09:30:00Z", "2024-05-01T11:00:00Z"),
                silence("next", "pending", "2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z"),
                silence("recent", "expired", "2024-05-01T08:00:00Z", "2024-05-01T09:50:00Z")) + "]");
        Map<String, Object> all = api.list(Map.of());
        assertThat(all).containsEntry("count", 5).containsEntry("counts", Map.of("active", 2, "pending", 1, "expired", 2));
        @SuppressWarnings("unchecked")
        List<Silence> listed = (List<Silence>) all.get("silences");
        assertThat(listed).extracting(Silence::id).containsExactly("soon", "later", "next", "recent", "old");

        Map<String, Object> current = api.list(Map.of("state", List.of("active,pending")));
        assertThat(current).containsEntry("count", 3);
        assertThatThrownBy(() -> api.list(Map.of("state", List.of("muted")))).isInstanceOf(BadParameter.class);
        assertThatThrownBy(() -> api.list(Map.of("colour", List.of("red")))).isInstanceOfSatisfying(BadParameter.class,
                e -> assertThat(e.parameter()).isEqualTo("colour"));
    }

    private static String silence(String id, String state, String starts, String ends) {
        return """
                {"id":"%s","status":{"state":"%s"},"matchers":[{"name":"app","value":"shop","isRegex":false,"isEqual":true}],
                 "startsAt":"%s","endsAt":"%s","updatedAt":"%s","createdBy":"a","comment":"c"}""".formatted(id, state, starts, ends, starts);
    }
}
