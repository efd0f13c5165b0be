package dev.telemetry.console.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.console.refusal.ApiError;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Read token, write token, sessions, CSRF and Origin checks, without HTTP. */
class ConsoleAuthTest {

    private static final String READ = "read-token-0123456789";
    private static final String WRITE = "write-token-9876543210";
    private static final String HOST = "console.example:8084";

    private final Clock clock = Clock.fixed(Instant.parse("2024-05-01T10:00:00Z"), ZoneOffset.UTC);

    private ConsoleAuth auth(String read, String write) {
        return new ConsoleAuth(new ConsoleConfig.Auth(read, write), new SessionStore(Duration.ofHours(1), 10, clock));
    }

    private static ConsoleAuth.Request get(String path, String authorization, String session) {
        return new ConsoleAuth.Request("GET", path, null, authorization, session, null, null, HOST);
    }

    private static ConsoleAuth.Request write(String method, String path, String authorization, String session, String csrf,
                                             String origin) {
        return new ConsoleAuth.Request(method, path, null, authorization, session, csrf, origin, HOST);
    }

    private static void refused(ThrowingCallable call, int status, String error, String messagePart) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(status);
            assertThat(e.error()).isEqualTo(error);
            assertThat(e.getMessage()).contains(messagePart);
        });
    }

    @Test
    void shouldLeaveReadsOpenWhenNoReadTokenIsSet() {
        ConsoleAuth auth = auth("", WRITE);
        assertThat(auth.check(get("/alerts.html", null, null)).allowed()).isTrue();
        assertThat(auth.check(get("/api/alerts", null, null)).allowed()).isTrue();
        // A wrong bearer on an open read is not worth refusing.
        assertThat(auth.check(get("/api/alerts", "Bearer nonsense", null)).allowed()).isTrue();
    }

    @Test
    void shouldRequireTheReadTokenForEveryPageAndApiCallWhenSet() {
        ConsoleAuth auth = auth(READ, WRITE);
        refused(() -> auth.check(get("/api/alerts", null, null)), 401, "unauthorized", "read token");
        refused(() -> auth.check(get("/js/alerts.js", null, null)), 401, "unauthorized", "read token");
        refused(() -> auth.check(get("/api/alerts", "Bearer wrong", null)), 401, "bad_token", "neither");
        refused(() -> auth.check(get("/api/alerts", "Basic abc", null)), 401, "bad_token", "Bearer");
        refused(() -> auth.check(get("/api/alerts", null, "forged-session-id")), 401, "unauthorized", "log in");

        ConsoleAuth.Decision page = auth.check(new ConsoleAuth.Request("GET", "/alerts.html", "status=firing&app=shop",
                null, null, null, null, HOST));
        assertThat(page.redirect()).isEqualTo("/login.html?next=%2Falerts.html%3Fstatus%3Dfiring%26app%3Dshop");
        assertThat(auth.check(get("/", null, null)).redirect()).isEqualTo("/login.html?next=%2F");

        assertThat(auth.check(get("/api/alerts", "Bearer " + READ, null)).allowed()).isTrue();
        assertThat(auth.check(get("/api/alerts", "bearer " + WRITE, null)).allowed()).as("the write token reads too").isTrue();
        String session = auth.login(get("/api/session", null, null), READ).session().id();
        assertThat(auth.check(get("/alerts.html", null, session)).allowed()).isTrue();
        assertThat(auth.check(get("/api/stream", null, session)).allowed()).isTrue();
    }

    @Test
    void shouldKeepTheLoginPageItsAssetsTheSessionAndTheOpsEndpointsOpen() {
        ConsoleAuth auth = auth(READ, WRITE);
        for (String path : new String[] {"/login.html", "/js/login.js", "/js/common.js", "/console.css", "/favicon.svg",
                "/api/session", "/health", "/metrics"}) {
            assertThat(auth.check(get(path, null, null)).allowed()).as(path).isTrue();
        }
    }

    @Test
    void shouldRefuseEveryWriteWhileTheWriteTokenIsBlank() {
        ConsoleAuth auth = auth("", "");
        refused(() -> auth.check(write("POST", "/api/silences", null, null, null, null)), 403, "writes_disabled",
                "writes are disabled: set auth.write-token");
        refused(() -> auth.check(write("DELETE", "/api/silences/abc", "Bearer " + WRITE, null, null, null)), 403,
                "writes_disabled", "auth.write-token");
        refused(() -> auth.login(get("/api/session", null, null), "anything"), 403, "nothing_to_log_in", "auth.write-token");
    }

    @Test
    void shouldRequireAWriteSessionAndItsCsrfTokenForWrites() {
        ConsoleAuth auth = auth("", WRITE);
        refused(() -> auth.check(write("POST", "/api/silences", null, null, null, null)), 401, "login_required", "write token");
        refused(() -> auth.check(write("POST", "/api/silences", null, "no-such-session", "x", null)), 401, "login_required", "login");

        ConsoleAuth.Login login = auth.login(get("/api/session", null, null), WRITE);
        String id = login.session().id();
        String csrf = (String) login.body().get("csrfToken");
        assertThat(login.body()).containsEntry("loggedIn", true).containsEntry("canWrite", true);
        assertThat(csrf).isEqualTo(login.session().session().csrfToken()).hasSizeGreaterThanOrEqualTo(40).isNotEqualTo(id);

        refused(() -> auth.check(write("POST", "/api/silences", null, id, null, null)), 403, "bad_csrf_token", "missing X-CSRF-Token");
        refused(() -> auth.check(write("POST", "/api/silences", null, id, csrf + "x", null)), 403, "bad_csrf_token", "wrong");
        refused(() -> auth.check(write("POST", "/api/silences", null, id, "", null)), 403, "bad_csrf_token", "X-CSRF-Token");
        assertThat(auth.check(write("POST", "/api/silences", null, id, csrf, null)).allowed()).isTrue();
        assertThat(auth.check(write("DELETE", "/api/silences/abc", null, id, csrf, "http://" + HOST)).allowed()).isTrue();
        // Another session's CSRF token is not this one's.
        String otherCsrf = (String) auth.login(get("/api/session", null, null), WRITE).body().get("csrfToken");
        refused(() -> auth.check(write("POST", "/api/silences", null, id, otherCsrf, null)), 403, "bad_csrf_token", "wrong");
    }

    @Test
    void shouldRefuseWritesFromAnotherOriginEvenWithAValidSessionAndToken() {
        ConsoleAuth auth = auth("", WRITE);
        ConsoleAuth.Login login = auth.login(get("/api/session", null, null), WRITE);
        String id = login.session().id();
        String csrf = (String) login.body().get("csrfToken");
        for (String origin : new String[] {"http://evil.example", "http://console.example:9999", "null",
                "https://console.example.evil:8084", "file:///tmp/x.html", "not a url"}) {
            refused(() -> auth.check(write("POST", "/api/silences", null, id, csrf, origin)), 403, "bad_origin", "another origin");
            refused(() -> auth.check(write("POST", "/api/silences", "Bearer " + WRITE, null, null, origin)), 403, "bad_origin", "origin");
        }
        refused(() -> auth.login(write("POST", "/api/session", null, null, null, "http://evil.example"), WRITE), 403,
                "bad_origin", "origin");
    }

    @Test
    void shouldAcceptTheWriteTokenAsBearerForScriptsButNotTheReadToken() {
        ConsoleAuth auth = auth(READ, WRITE);
        assertThat(auth.check(write("POST", "/api/silences", "Bearer " + WRITE, null, null, null)).allowed()).isTrue();
        refused(() -> auth.check(write("POST", "/api/silences", "Bearer " + READ, null, null, null)), 401, "bad_token", "write token");
    }

    @Test
    void shouldGiveAReadOnlySessionForTheReadTokenAndRefuseItsWrites() {
        ConsoleAuth auth = auth(READ, WRITE);
        ConsoleAuth.Login login = auth.login(get("/api/session", null, null), READ);
        assertThat(login.body()).containsEntry("canWrite", false);
        refused(() -> auth.check(write("POST", "/api/silences", null, login.session().id(),
                (String) login.body().get("csrfToken"), null)), 403, "read_only_session", "write token");
        refused(() -> auth.login(get("/api/session", null, null), "guess"), 401, "bad_token", "not valid");
        refused(() -> auth.login(get("/api/session", null, null), ""), 401, "bad_token", "not valid");
    }

    @Test
    void shouldReplaceTheSessionOnLoginAndEndItOnLogoutWithItsCsrfToken() {
        ConsoleAuth auth = auth("", WRITE);
        ConsoleAuth.Login first = auth.login(get("/api/session", null, null), WRITE);
        ConsoleAuth.Login second = auth.login(get("/api/session", null, first.session().id()), WRITE);
        assertThat(second.session().id()).isNotEqualTo(first.session().id());
        assertThat(auth.status(first.session().id())).containsEntry("loggedIn", false);
        assertThat(auth.status(second.session().id())).containsEntry("loggedIn", true).containsEntry("canWrite", true)
                .containsEntry("writesEnabled", true).containsEntry("readTokenRequired", false);

        String id = second.session().id();
        refused(() -> auth.logout(write("DELETE", "/api/session", null, id, "wrong", null)), 403, "bad_csrf_token", "X-CSRF-Token");
        assertThat(auth.logout(write("DELETE", "/api/session", null, id, (String) second.body().get("csrfToken"), null)))
                .containsEntry("loggedIn", false);
        assertThat(auth.status(id)).containsEntry("loggedIn", false).containsEntry("csrfToken", null);
        // Logging out without a session is a no-op, not an error.
        assertThat(auth.logout(write("DELETE", "/api/session", null, null, null, null))).containsEntry("loggedIn", false);
    }

    @Test
    void shouldCompareOriginsByHostAndPortWithDefaultPorts() {
        assertThat(ConsoleAuth.sameOrigin("http://localhost:8084", "localhost:8084")).isTrue();
        assertThat(ConsoleAuth.sameOrigin("http://LOCALHOST:8084", "localhost:8084")).isTrue();
        assertThat(ConsoleAuth.sameOrigin("http://console.example", "console.example:80")).isTrue();
        assertThat(ConsoleAuth.sameOrigin("https://console.example:443", "console.example")).isTrue();
        assertThat(ConsoleAuth.sameOrigin("http://127.0.0.1:8084", "localhost:8084")).isFalse();
        assertThat(ConsoleAuth.sameOrigin("http://localhost:8084", null)).isFalse();
        assertThat(ConsoleAuth.sameOrigin("http://localhost:8084", "localhost:8085")).isFalse();
    }

    @Test
    void shouldCompareSecretsWholeAndNeverMatchABlankOne() {
        assertThat(Secrets.matches("abc", "abc")).isTrue();
        assertThat(Secrets.matches("abc", "abcd")).isFalse();
        assertThat(Secrets.matches("", "")).isFalse();
        assertThat(Secrets.matches(null, "abc")).isFalse();
        assertThat(Secrets.random(32)).hasSize(43).matches("[A-Za-z0-9_-]+").isNotEqualTo(Secrets.random(32));
    }
}
