package dev.telemetry.console.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.refusal.ApiError;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.util.Map;

/** {@link ConsoleAuth} on Javalin: the before-filter, and {@code GET/POST/DELETE /api/session} with the cookie. */
public final class AuthHttp {

    private final ConsoleAuth auth;
    private final JsonCodec codec;

    public AuthHttp(ConsoleAuth auth, JsonCodec codec) {
        this.auth = auth;
        this.codec = codec;
    }

    /** Runs before every route and static file: allows, redirects a page to the login, or throws {@link ApiError}. */
    public void before(Context ctx) {
        ConsoleAuth.Decision decision = auth.check(request(ctx));
        if (!decision.allowed()) {
            ctx.redirect(decision.redirect());
            ctx.skipRemainingHandlers();
        }
    }

    public Map<String, Object> status(Context ctx) {
        ctx.header("Cache-Control", "no-store");
        return auth.status(ctx.cookie(ConsoleAuth.COOKIE));
    }

    public Map<String, Object> login(Context ctx) {
        String type = ctx.contentType();
        // JSON only: a cross-site HTML form cannot send it without a CORS preflight, which this server never grants.
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new ApiError(415, "unsupported_media_type", "send the token as JSON: {\"token\": \"...\"} with Content-Type: application/json");
        }
        JsonNode body;
        try {
            body = codec.readTree(ctx.bodyAsBytes());
        } catch (InvalidJsonException e) {
            throw new ApiError(400, "bad_parameter", "body: is not JSON");
        }
        JsonNode token = body == null ? null : body.get("token");
        if (token == null || !token.isTextual() || token.asText().isEmpty()) {
            throw new ApiError(400, "bad_parameter", "token: is required (a string)");
        }
        ConsoleAuth.Login login = auth.login(request(ctx), token.asText());
        ctx.cookie(new Cookie(ConsoleAuth.COOKIE, login.session().id(), "/", (int) auth.sessions().ttl().toSeconds(),
                ctx.req().isSecure(), true, null, SameSite.STRICT));
        ctx.header("Cache-Control", "no-store");
        return login.body();
    }

    public Map<String, Object> logout(Context ctx) {
        Map<String, Object> body = auth.logout(request(ctx));
        ctx.cookie(new Cookie(ConsoleAuth.COOKIE, "", "/", 0, ctx.req().isSecure(), true, null, SameSite.STRICT));
        return body;
    }

    private static ConsoleAuth.Request request(Context ctx) {
        return new ConsoleAuth.Request(ctx.req().getMethod(), ctx.path(), ctx.queryString(), ctx.header("Authorization"),
                ctx.cookie(ConsoleAuth.COOKIE), ctx.header(ConsoleAuth.CSRF_HEADER), ctx.header("Origin"), ctx.header("Host"));
    }
}
