package dev.telemetry.console.auth;

import dev.telemetry.console.config.ConsoleConfig;
import dev.telemetry.console.refusal.ApiError;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may read and who may write, free of HTTP (the server adapts requests, {@link AuthHttp}).
 *
 * <ul>
 *   <li>Reads: open when {@code auth.read-token} is blank. Otherwise every page and API call needs the read (or
 *   write) token, as {@code Authorization: Bearer <token>} or a session cookie from a login; a page asked for
 *   without one redirects to the login page. The login page's own assets, {@code /api/session}, {@code /health}
 *   and {@code /metrics} (the ops endpoints, as on every service) stay open.</li>
 *   <li>Writes (any method but GET/HEAD/OPTIONS): refused while {@code auth.write-token} is blank. Otherwise they
 *   need either {@code Authorization: Bearer <write-token>} (scripts; a header a page on another origin cannot
 *   make a browser send, so no CSRF risk) or a session logged in with the write token plus the session's
 *   synchronizer token in {@code X-CSRF-Token}. An {@code Origin} header, when present, must name this console's
 *   host. The session cookie is also {@code SameSite=Strict}: three layers against cross-site writes.</li>
 * </ul>
 * Refusals are {@link ApiError}s (401: no or wrong credentials, 403: credentials that may not do this), each naming
 * the problem. Tokens are compared in constant time ({@link Secrets#matches}).
 */
public final class ConsoleAuth {

    public static final String COOKIE = "tc_session";
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String SESSION_PATH = "/api/session";
    public static final String LOGIN_PAGE = "/login.html";
    /**
     * POSTs that only read: their input is too large or structured for a query string, they change nothing, so
     * they need no write token (the read token applies, and an Origin must be this console's).
     */
    static final Set<String> READING_POSTS = Set.of("/api/lab/backtest");

    /** What may be fetched without the read token: the login page and what it loads, and the ops endpoints. */
    private static final Set<String> OPEN = Set.of(LOGIN_PAGE, "/js/login.js", "/js/common.js", "/console.css",
            "/favicon.svg", SESSION_PATH, "/health", "/metrics");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    /** The parts of a request that decide access; any may be null when absent. */
    public record Request(String method, String path, String query, String authorization, String sessionId,
                          String csrfToken, String origin, String host) {
    }

    /** Allow, or send the browser to the login page (a page asked for without the read token). */
    public record Decision(String redirect) {
        public static final Decision ALLOW = new Decision(null);

        public boolean allowed() {
            return redirect == null;
        }
    }

    /** A successful login: the session (its id goes into the cookie) and the body to answer. */
    public record Login(SessionStore.Created session, Map<String, Object> body) {
    }

    private final String readToken;
    private final String writeToken;
    private final SessionStore sessions;

    public ConsoleAuth(ConsoleConfig.Auth config, SessionStore sessions) {
        this.readToken = config.readToken();
        this.writeToken = config.writeToken();
        this.sessions = sessions;
    }

    public boolean readsProtected() {
        return !readToken.isEmpty();
    }

    public boolean writesEnabled() {
        return !writeToken.isEmpty();
    }

    public SessionStore sessions() {
        return sessions;
    }

    /** Decides a request before any route sees it; throws {@link ApiError} to refuse it. */
    public Decision check(Request r) {
        String path = r.path() == null ? "/" : r.path();
        if (path.equals(SESSION_PATH)) {
            // Login, logout and the session's status decide for themselves (login needs no prior credential).
            return Decision.ALLOW;
        }
        boolean write = !SAFE_METHODS.contains(r.method().toUpperCase(Locale.ROOT));
        if (write && READING_POSTS.contains(path)) {
            // Computes and writes nothing: a read (the read token applies below), but only from this console's pages.
            checkOrigin(r);
            write = false;
        }
        if (write) {
            checkWrite(r);
            return Decision.ALLOW;
        }
        if (!readsProtected() || OPEN.contains(path)) {
            return Decision.ALLOW;
        }
        Optional<String> bearer = bearer(r.authorization());
        if (bearer.isPresent()) {
            if (Secrets.matches(bearer.get(), readToken) || Secrets.matches(bearer.get(), writeToken)) {
                return Decision.ALLOW;
            }
            throw new ApiError(401, "bad_token", "the bearer token is neither the read token nor the write token");
        }
        if (sessions.find(r.sessionId()).isPresent()) {
            return Decision.ALLOW;
        }
        if (isPage(path) && r.method().equalsIgnoreCase("GET")) {
            String next = path + (r.query() == null || r.query().isEmpty() ? "" : "?" + r.query());
            return new Decision(LOGIN_PAGE + "?next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        }
        throw new ApiError(401, "unauthorized",
                "reading needs the read token: log in at " + LOGIN_PAGE + " or send Authorization: Bearer <read-token>");
    }

    private void checkWrite(Request r) {
        if (!writesEnabled()) {
            throw new ApiError(403, "writes_disabled", "writes are disabled: set auth.write-token");
        }
        checkOrigin(r);
        Optional<String> bearer = bearer(r.authorization());
        if (bearer.isPresent()) {
            if (Secrets.matches(bearer.get(), writeToken)) {
                return;
            }
            throw new ApiError(401, "bad_token", "writing needs the write token (Authorization: Bearer <write-token>)");
        }
        SessionStore.Session session = sessions.find(r.sessionId()).orElseThrow(() -> new ApiError(401, "login_required",
                "writing needs a login with the write token (POST " + SESSION_PATH + " {\"token\": ...}) or Authorization: Bearer <write-token>"));
        if (!session.canWrite()) {
            throw new ApiError(403, "read_only_session", "this session may only read: log in with the write token to write");
        }
        checkCsrf(r, session);
    }

    private static void checkCsrf(Request r, SessionStore.Session session) {
        if (!Secrets.matches(r.csrfToken(), session.csrfToken())) {
            throw new ApiError(403, "bad_csrf_token", (r.csrfToken() == null ? "missing " : "wrong ") + CSRF_HEADER
                    + " header: send the csrfToken of GET " + SESSION_PATH);
        }
    }

    /** An Origin header, when the browser sends one, must be this console (same host and port as the Host header). */
    public static void checkOrigin(Request r) {
        if (r.origin() == null) {
            return;
        }
        if (!sameOrigin(r.origin(), r.host())) {
            throw new ApiError(403, "bad_origin", "the request comes from another origin than this console");
        }
    }

    static boolean sameOrigin(String origin, String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            return false; // includes Origin: null (sandboxed frames, file: pages)
        }
        String defaultPort = scheme.equals("https") ? ":443" : ":80";
        String expected = uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
        String actual = host.strip().toLowerCase(Locale.ROOT);
        return strip(expected, defaultPort).equals(strip(actual, defaultPort));
    }

    private static String strip(String authority, String defaultPort) {
        return authority.endsWith(defaultPort) ? authority.substring(0, authority.length() - defaultPort.length()) : authority;
    }

    /** {@code GET /api/session}: what the page may do, and the CSRF token it must send with writes. */
    public Map<String, Object> status(String sessionId) {
        Optional<SessionStore.Session> session = sessions.find(sessionId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("loggedIn", session.isPresent());
        body.put("canWrite", session.map(SessionStore.Session::canWrite).orElse(false));
        body.put("csrfToken", session.map(SessionStore.Session::csrfToken).orElse(null));
        body.put("readTokenRequired", readsProtected());
        body.put("writesEnabled", writesEnabled());
        return body;
    }

    /**
     * {@code POST /api/session {"token": ...}}: the write token logs in a session that may write, the read token
     * one that may read. A fresh random id every time (no fixation); the caller drops the previous session.
     */
    public Login login(Request r, String token) {
        checkOrigin(r);
        if (!readsProtected() && !writesEnabled()) {
            throw new ApiError(403, "nothing_to_log_in",
                    "reads are open and writes are disabled (set auth.write-token): there is nothing to log in to");
        }
        boolean canWrite;
        if (Secrets.matches(token, writeToken)) {
            canWrite = true;
        } else if (Secrets.matches(token, readToken)) {
            canWrite = false;
        } else {
            throw new ApiError(401, "bad_token", "the token is not valid");
        }
        sessions.remove(r.sessionId());
        SessionStore.Created created = sessions.create(canWrite);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("loggedIn", true);
        body.put("canWrite", canWrite);
        body.put("csrfToken", created.session().csrfToken());
        body.put("readTokenRequired", readsProtected());
        body.put("writesEnabled", writesEnabled());
        return new Login(created, body);
    }

    /** {@code DELETE /api/session}: ends the session; needs its CSRF token (a cross-site logout is still a write). */
    public Map<String, Object> logout(Request r) {
        checkOrigin(r);
        Optional<SessionStore.Session> session = sessions.find(r.sessionId());
        if (session.isPresent()) {
            checkCsrf(r, session.get());
            sessions.remove(r.sessionId());
        }
        return status(null);
    }

    private static Optional<String> bearer(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiError(401, "bad_token", "the Authorization header must be Bearer <token>");
        }
        return Optional.of(authorization.substring(7).strip());
    }

    /** Pages (HTML) redirect to the login page; scripts, styles and the API answer 401. */
    private static boolean isPage(String path) {
        return path.equals("/") || path.endsWith(".html") || path.endsWith("/");
    }
}
