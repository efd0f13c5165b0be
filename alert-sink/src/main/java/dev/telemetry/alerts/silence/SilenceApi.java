package dev.telemetry.alerts.silence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.service.ops.OpsServer;
import dev.telemetry.service.ops.OpsServer.HttpError;
import dev.telemetry.service.ops.OpsServer.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The silences API, mounted on the sink's operations port ({@link OpsServer}):
 * {@code GET /api/silences}, {@code POST /api/silences}, {@code DELETE /api/silences/{id}}, each
 * with {@code Authorization: Bearer <admin-token>}. Refusals are {@link HttpError}s, which the ops
 * server renders in one place as {@code {"error": "..."}}.
 */
public final class SilenceApi {

    private static final Logger LOG = LoggerFactory.getLogger(SilenceApi.class);
    private static final ObjectMapper JSON = JsonCodec.standard().mapper();
    private static final String SILENCES = "/api/silences";

    private final SilenceStore silences;
    private final byte[] adminToken;
    private final Clock clock;

    public SilenceApi(SilenceStore silences, String adminToken, Clock clock) {
        this.silences = silences;
        this.adminToken = adminToken.getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** Mounts the API on {@code ops}. */
    public OpsServer mount(OpsServer ops) {
        if (adminToken.length == 0) {
            LOG.info("silences API on {} disabled: no admin token", SILENCES);
        }
        return ops.handle(SILENCES, this::silences);
    }

    private Response silences(HttpExchange exchange) throws IOException {
        authorize(exchange);
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (path.equals(SILENCES) || path.equals(SILENCES + "/")) {
            if (method.equals("GET")) {
                Instant now = clock.instant();
                List<Map<String, Object>> list = new ArrayList<>();
                for (Silence silence : silences.list()) {
                    list.add(view(silence, now));
                }
                return json(200, list);
            }
            if (method.equals("POST")) {
                Silence created = create(exchange.getRequestBody().readAllBytes());
                LOG.info("silence {} created by {} until {}: {} ({})", created.id(), created.createdBy(), created.endsAt(),
                        created.matchers().stream().map(Matcher::text).toList(), created.comment());
                return json(200, Map.of("silenceID", created.id()));
            }
            throw new HttpError(405, "use GET or POST on " + SILENCES);
        }
        String id = path.substring(SILENCES.length() + 1);
        if (method.equals("GET")) {
            return json(200, view(silences.get(id).orElseThrow(() -> new HttpError(404, "no silence " + id)), clock.instant()));
        }
        if (method.equals("DELETE")) {
            Silence expired = silences.expire(id).orElseThrow(() -> new HttpError(404, "no silence " + id));
            LOG.info("silence {} expired", expired.id());
            return json(200, view(expired, clock.instant()));
        }
        throw new HttpError(405, "use GET or DELETE on " + SILENCES + "/{id}");
    }

    private Silence create(byte[] body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new HttpError(400, "body is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new HttpError(400, "body must be a JSON object");
        }
        List<Matcher> matchers = new ArrayList<>();
        JsonNode list = node.path("matchers");
        if (!list.isArray() || list.isEmpty()) {
            throw new HttpError(400, "matchers: at least one matcher {name, value, isRegex, isEqual} is required");
        }
        for (JsonNode m : list) {
            String name = m.path("name").asText("");
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new HttpError(400, "matchers: '" + name + "' is not a label name");
            }
            try {
                matchers.add(new Matcher(name, m.path("value").asText(""), m.path("isRegex").asBoolean(false),
                        m.path("isEqual").asBoolean(true)));
            } catch (IllegalArgumentException e) {
                throw new HttpError(400, e.getMessage());
            }
        }
        Instant startsAt = node.hasNonNull("startsAt") ? instant(node, "startsAt") : clock.instant();
        Instant endsAt = instant(node, "endsAt");
        if (!endsAt.isAfter(startsAt)) {
            throw new HttpError(400, "endsAt must be after startsAt");
        }
        String createdBy = node.path("createdBy").asText("").strip();
        String comment = node.path("comment").asText("").strip();
        if (createdBy.isEmpty() || comment.isEmpty()) {
            throw new HttpError(400, "createdBy and comment are required: the on-call engineer must know who muted what and why");
        }
        return silences.create(matchers, startsAt, endsAt, createdBy, comment);
    }

    private static Instant instant(JsonNode node, String field) {
        try {
            return Instant.parse(node.path(field).asText(""));
        } catch (DateTimeParseException e) {
            throw new HttpError(400, field + ": an RFC 3339 time like 2024-05-01T10:00:00Z is required");
        }
    }

    private static Map<String, Object> view(Silence silence, Instant now) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", silence.id());
        view.put("status", Map.of("state", silence.state(now)));
        view.put("matchers", silence.matchers());
        view.put("startsAt", silence.startsAt().toString());
        view.put("endsAt", silence.endsAt().toString());
        view.put("updatedAt", silence.updatedAt().toString());
        view.put("createdBy", silence.createdBy());
        view.put("comment", silence.comment());
        return view;
    }

    private void authorize(HttpExchange exchange) {
        if (adminToken.length == 0) {
            throw new HttpError(403, "the silences API is disabled: set admin-token (SINK_ADMIN_TOKEN)");
        }
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        String presented = header != null && header.startsWith("Bearer ") ? header.substring("Bearer ".length()).strip() : "";
        // Constant-time comparison: the token is the only thing between the network and muting every pager.
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), adminToken)) {
            throw new HttpError(401, "a valid admin token is required (Authorization: Bearer <token>)");
        }
    }

    private static Response json(int status, Object body) throws IOException {
        return Response.json(status, JSON.writeValueAsBytes(body));
    }
}
