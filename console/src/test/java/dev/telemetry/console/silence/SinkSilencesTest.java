package dev.telemetry.console.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.console.refusal.ApiError;
import dev.telemetry.events.codec.JsonCodec;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** The sink's silences API as the console calls it: the token goes to the sink only; failures become clear 4xx/5xx. */
class SinkSilencesTest {

    private static final String TOKEN = "sink-admin-secret-42";
    private static final JsonCodec CODEC = JsonCodec.standard();

    private static SinkSilences client(String base, String token) {
        return new SinkSilences(base, token, Duration.ofSeconds(5), CODEC);
    }

    private static void refused(ThrowingCallable call, int status, String error, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).as(e.getMessage()).isEqualTo(status);
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.getMessage()).contains(messagePart).doesNotContain(TOKEN);
        });
    }

    @Test
    void shouldListCreateAndExpireWithTheAdminTokenAsBearer() {
        try (FakeSink sink = new FakeSink()) {
            SinkSilences silences = client(sink.url() + "/", TOKEN);
            sink.answer(200, """
                    [{"id":"s1","status":{"state":"active"},"matchers":[{"name":"app","value":"shop","isRegex":false,"isEqual":true}],
                      "startsAt":"2024-05-01T10:00:00Z","endsAt":"2024-05-01T12:00:00Z","updatedAt":"2024-05-01T10:00:00Z",
                      "createdBy":"alice","comment":"deploy"}]""");
            List<Silence> list = silences.list();
            assertThat(list).containsExactly(new Silence("s1", "active", List.of(new Silence.Matcher("app", "shop", false, true)),
                    Instant.parse("2024-05-01T10:00:00Z"), Instant.parse("2024-05-01T12:00:00Z"),
                    Instant.parse("2024-05-01T10:00:00Z"), "alice", "deploy"));

            sink.answer(200, "{\"silenceID\":\"s2\"}");
            assertThat(silences.create(Map.of("comment", "x"))).isEqualTo("s2");
            sink.answer(200, """
                    {"id":"s2","status":{"state":"expired"},"matchers":[],"startsAt":"2024-05-01T10:00:00Z",
                     "endsAt":"2024-05-01T10:05:00Z","updatedAt":"2024-05-01T10:05:00Z","createdBy":"bob","comment":"x"}""");
            assertThat(silences.expire("s2").state()).isEqualTo("expired");

            assertThat(sink.seen()).extracting(FakeSink.Seen::method, FakeSink.Seen::path)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("GET", "/api/silences"),
                            org.assertj.core.groups.Tuple.tuple("POST", "/api/silences"),
                            org.assertj.core.groups.Tuple.tuple("DELETE", "/api/silences/s2"));
            assertThat(sink.seen()).allSatisfy(s -> assertThat(s.authorization()).isEqualTo("Bearer " + TOKEN));
            assertThat(sink.seen().get(1).contentType()).isEqualTo("application/json");
            assertThat(sink.seen().get(1).body()).isEqualTo("{\"comment\":\"x\"}");
            assertThat(silences.toString()).doesNotContain(TOKEN).contains("<redacted>");
        }
    }

    @Test
    void shouldAnswer503WhenNotConfiguredUnreachableOrRefusingTheToken() throws IOException {
        refused(() -> client("", TOKEN).list(), 503, "silences_unavailable", "services.sink");
        refused(() -> client("http://127.0.0.1:1", "").list(), 503, "silences_unavailable", "silences.admin-token");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        int port = closed;
        refused(() -> client("http://127.0.0.1:" + port, TOKEN).list(), 503, "sink_unavailable", "unreachable");
        try (FakeSink sink = new FakeSink()) {
            sink.answer(401, "{\"error\":\"a valid admin token is required (Authorization: Bearer <token>)\"}");
            refused(() -> client(sink.url(), TOKEN).list(), 503, "sink_refused_token", "silences.admin-token must equal");
            sink.answer(403, "{\"error\":\"the silences API is disabled: set admin-token (SINK_ADMIN_TOKEN)\"}");
            refused(() -> client(sink.url(), TOKEN).list(), 503, "silences_unavailable", "the silences API is disabled");
        }
    }

    @Test
    void shouldPassTheSinksRefusalsOnAndCallItsFailures502() {
        try (FakeSink sink = new FakeSink()) {
            SinkSilences silences = client(sink.url(), TOKEN);
            sink.answer(400, "{\"error\":\"endsAt must be after startsAt\"}");
            refused(() -> silences.create(Map.of()), 400, "sink_refused", "endsAt must be after startsAt");
            sink.answer(404, "{\"error\":\"no silence nope\"}");
            refused(() -> silences.expire("nope"), 404, "not_found", "no silence nope");
            refused(silences::list, 502, "sink_error", "is services.sink the alert sink?");
            sink.answer(500, "{\"error\":\"the silence could not be stored: timeout\"}");
            refused(() -> silences.create(Map.of()), 502, "sink_error", "could not be stored");
            sink.answer(200, "<html>not json</html>");
            refused(silences::list, 502, "sink_error", "without JSON");
            sink.answer(200, "{}");
            refused(silences::list, 502, "sink_error", "not a JSON array");
            refused(() -> silences.create(Map.of()), 502, "sink_error", "id");
        }
    }
}
