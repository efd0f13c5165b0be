package dev.telemetry.console.silence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.console.refusal.ApiError;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The alert sink's silences API ({@code <services.sink>/api/silences}), called with the sink's admin token, which
 * stays here: it is sent to the sink only, and appears in no message, log line or {@link #toString()}.
 *
 * <p>What can go wrong is answered as an {@link ApiError} the console passes on: not configured or unreachable
 * sink, or a sink that refuses the console's token: 503 (silences are unavailable, the user cannot fix it); the
 * sink refusing the request itself (400, 404): the same status with the sink's reason; the sink failing: 502.
 */
public final class SinkSilences {

    private static final String PATH = "/api/silences";
    /** The sink lists every silence it ever stored (a compacted topic); more than this is not a list to proxy. */
    private static final int MAX_BODY = 8 * 1024 * 1024;
    private static final int MAX_REASON = 300;

    private final String base;
    private final String adminToken;
    private final Duration timeout;
    private final JsonCodec codec;
    private final HttpClient http;

    public SinkSilences(String baseUrl, String adminToken, Duration timeout, JsonCodec codec) {
        this.base = baseUrl == null ? "" : baseUrl.strip().replaceAll("/+$", "");
        this.adminToken = adminToken == null ? "" : adminToken;
        this.timeout = timeout;
        this.codec = codec;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** Every silence the sink knows, newest change first (as the sink orders them). */
    public List<Silence> list() {
        JsonNode body = call("GET", PATH, null);
        if (!body.isArray()) {
            throw new ApiError(502, "sink_error", "the alert sink's silence list is not a JSON array");
        }
        List<Silence> silences = new ArrayList<>();
        for (JsonNode node : body) {
            silences.add(silence(node));
        }
        return silences;
    }

    /** Creates a silence (the sink's JSON body: matchers, startsAt, endsAt, createdBy, comment); returns its id. */
    public String create(Map<String, Object> request) {
        JsonNode body = call("POST", PATH, codec.write(request));
        String id = body.path("silenceID").asText("");
        if (id.isEmpty()) {
            throw new ApiError(502, "sink_error", "the alert sink did not answer the new silence's id");
        }
        return id;
    }

    /** Expires a silence now; returns it as the sink shows it afterwards. */
    public Silence expire(String id) {
        return silence(call("DELETE", PATH + "/" + id, null));
    }

    private JsonNode call(String method, String path, byte[] body) {
        if (base.isEmpty()) {
            throw new ApiError(503, "silences_unavailable",
                    "silences are not available: services.sink (the alert sink's base URL) is not set");
        }
        if (adminToken.isEmpty()) {
            throw new ApiError(503, "silences_unavailable",
                    "silences are not available: silences.admin-token (the alert sink's admin-token) is not set");
        }
        URI uri;
        try {
            uri = URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new ApiError(503, "silences_unavailable", "silences are not available: services.sink is not a URL");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .header("Authorization", "Bearer " + adminToken)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<InputStream> response;
        byte[] bytes;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_BODY + 1);
            }
        } catch (HttpTimeoutException e) {
            throw new ApiError(503, "sink_unavailable", "the alert sink at " + base + " did not answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw new ApiError(503, "sink_unavailable", "the alert sink at " + base + " is unreachable ("
                    + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "sink_unavailable", "interrupted while calling the alert sink");
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiError(502, "sink_error", "the alert sink's answer is larger than " + MAX_BODY + " bytes");
        }
        int status = response.statusCode();
        JsonNode json = parse(bytes);
        if (status >= 200 && status < 300) {
            if (json == null) {
                throw new ApiError(502, "sink_error", "the alert sink answered HTTP " + status + " without JSON");
            }
            return json;
        }
        String reason = reason(json, status);
        throw switch (status) {
            case 401 -> new ApiError(503, "sink_refused_token",
                    "silences are not available: the alert sink refused the console's admin token (silences.admin-token must equal the sink's admin-token)");
            case 403 -> new ApiError(503, "silences_unavailable", "silences are not available: the alert sink says: " + reason);
            // On the list itself a 404 means services.sink is not the sink; on one silence, that it does not exist.
            case 404 -> path.equals(PATH)
                    ? new ApiError(502, "sink_error", "no silences API at " + base + PATH + ": is services.sink the alert sink?")
                    : new ApiError(404, "not_found", "the alert sink says: " + reason);
            default -> status >= 400 && status < 500
                    ? new ApiError(status, "sink_refused", "the alert sink refused the request: " + reason)
                    : new ApiError(502, "sink_error", "the alert sink failed (HTTP " + status + "): " + reason);
        };
    }

    private JsonNode parse(byte[] bytes) {
        if (bytes.length == 0) {
            return null;
        }
        try {
            return codec.readTree(bytes);
        } catch (InvalidJsonException e) {
            return null;
        }
    }

    /** The sink's own reason ({@code {"error": "..."}}), cut short; it never holds the token. */
    private static String reason(JsonNode json, int status) {
        String text = json == null ? "" : json.path("error").asText("");
        if (text.isEmpty()) {
            return "HTTP " + status;
        }
        return text.length() > MAX_REASON ? text.substring(0, MAX_REASON) + "…" : text;
    }

    private static Silence silence(JsonNode node) {
        List<Silence.Matcher> matchers = new ArrayList<>();
        for (JsonNode m : node.path("matchers")) {
            matchers.add(new Silence.Matcher(m.path("name").asText(""), m.path("value").asText(""),
                    m.path("isRegex").asBoolean(false), m.path("isEqual").asBoolean(true)));
        }
        return new Silence(node.path("id").asText(""), node.path("status").path("state").asText("unknown"), matchers,
                instant(node, "startsAt"), instant(node, "endsAt"), instant(node, "updatedAt"),
                node.path("createdBy").asText(""), node.path("comment").asText(""));
    }

    private static Instant instant(JsonNode node, String field) {
        try {
            return node.hasNonNull(field) ? Instant.parse(node.get(field).asText()) : null;
        } catch (DateTimeParseException e) {
            throw new ApiError(502, "sink_error", "the alert sink's silence has a bad " + field);
        }
    }

    @Override
    public String toString() {
        return "SinkSilences[" + base + ", adminToken=" + (adminToken.isEmpty() ? "<none>" : "<redacted>") + "]";
    }
}
