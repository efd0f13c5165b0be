package dev.telemetry.gateway.http;

import dev.telemetry.gateway.config.GatewayConfig;
import dev.telemetry.gateway.ingest.ApiException;
import io.javalin.http.Context;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Cross-origin rules of the ingest routes, with an origin allowlist per ingest key. A preflight
 * carries no {@code X-Telemetry-Key} (browsers strip custom headers from it), so it is allowed when
 * the key in {@code ?key=} — or, without one, any key — allows the origin; the request itself is then
 * checked against its own key's list, which is what really protects a key: {@code sendBeacon} with a
 * {@code text/plain} body is never preflighted.
 */
public final class Cors {

    static final String ALLOWED_METHODS = "POST, OPTIONS";
    static final Set<String> ALLOWED_HEADERS = Set.of("content-type", "content-encoding", "x-telemetry-key");
    /** Browsers cache a preflight for at most this many seconds (Chromium caps it at 7200). */
    static final String MAX_AGE = "7200";

    private final Map<String, List<String>> originsByKey;
    private final Set<String> anyKeyOrigins = new HashSet<>();
    private final boolean anyKeyAllowsAll;

    public Cors(List<GatewayConfig.IngestKey> keys) {
        this.originsByKey = keys.stream().collect(Collectors.toUnmodifiableMap(GatewayConfig.IngestKey::key, GatewayConfig.IngestKey::origins));
        keys.forEach(k -> anyKeyOrigins.addAll(k.origins()));
        this.anyKeyAllowsAll = anyKeyOrigins.contains("*");
    }

    /** Answers an {@code OPTIONS} preflight: 204 with the CORS headers, or a 403 naming why not. */
    public void preflight(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin == null || origin.isBlank()) {
            throw ApiException.forbidden("cors_refused", "a preflight needs an Origin header");
        }
        String method = ctx.header("Access-Control-Request-Method");
        if (method != null && !method.equalsIgnoreCase("POST")) {
            throw ApiException.forbidden("cors_refused", "method " + method + " is not allowed; ingest routes take POST");
        }
        String queryKey = ctx.queryParam(KeyAuthenticator.QUERY_PARAM);
        boolean allowed = queryKey != null && originsByKey.containsKey(queryKey)
                ? allows(originsByKey.get(queryKey), origin)
                : anyKeyAllowsAll || anyKeyOrigins.contains(origin);
        if (!allowed) {
            throw ApiException.forbidden("cors_refused", "origin " + origin + " is not allowed to send telemetry here");
        }
        String requested = ctx.header("Access-Control-Request-Headers");
        if (requested != null) {
            for (String header : requested.split(",")) {
                String h = header.trim().toLowerCase(Locale.ROOT);
                if (!h.isEmpty() && !ALLOWED_HEADERS.contains(h)) {
                    throw ApiException.forbidden("cors_refused", "request header '" + header.trim()
                            + "' is not allowed; allowed are " + ALLOWED_HEADERS);
                }
            }
        }
        allowOrigin(ctx, origin);
        ctx.header("Access-Control-Allow-Methods", ALLOWED_METHODS);
        ctx.header("Access-Control-Allow-Headers", "Content-Type, Content-Encoding, X-Telemetry-Key");
        ctx.header("Access-Control-Max-Age", MAX_AGE);
        ctx.status(204);
    }

    /**
     * Before the key is known: lets the browser read our answer (a 401 or 400 is useful to a
     * developer) when some key allows the origin. Answers carry {@code Vary: Origin} so caches do not
     * hand one origin's headers to another.
     */
    public void exposeTo(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && (anyKeyAllowsAll || anyKeyOrigins.contains(origin))) {
            allowOrigin(ctx, origin);
        }
    }

    /** After authentication: a browser request from an origin the key does not list is refused. */
    public void check(Context ctx, GatewayConfig.IngestKey key) {
        String origin = ctx.header("Origin");
        if (origin != null && !allows(key.origins(), origin)) {
            throw ApiException.forbidden("origin_not_allowed", "origin " + origin + " is not allowed for this ingest key");
        }
    }

    private static boolean allows(List<String> origins, String origin) {
        return origins.contains("*") || origins.contains(origin);
    }

    private static void allowOrigin(Context ctx, String origin) {
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
    }
}
