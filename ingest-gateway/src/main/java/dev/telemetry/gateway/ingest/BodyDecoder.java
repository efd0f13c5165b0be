package dev.telemetry.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.telemetry.events.codec.InvalidJsonException;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.codec.Utf8;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a request body into the list of client items it carries: one JSON object, a JSON array
 * (batch) or NDJSON, under {@code application/json}, {@code application/x-ndjson} or
 * {@code text/plain} — the type {@code navigator.sendBeacon} sends for a string body.
 */
public final class BodyDecoder {

    private final JsonCodec codec;
    private final int maxItems;

    public BodyDecoder(JsonCodec codec, int maxItems) {
        this.codec = codec;
        this.maxItems = maxItems;
    }

    public List<JsonNode> decode(String contentType, byte[] body) {
        String mediaType = mediaType(contentType);
        if (!mediaType.equals("application/json") && !mediaType.equals("application/x-ndjson")
                && !mediaType.equals("text/plain") && !mediaType.equals("application/ndjson")) {
            throw ApiException.unsupportedMediaType(contentType == null ? "" : contentType);
        }
        if (body.length == 0) {
            throw ApiException.badRequest("body is empty");
        }
        int invalid = Utf8.firstInvalidByte(body);
        if (invalid >= 0) {
            throw ApiException.badRequest("the body is not valid UTF-8 (byte " + invalid + " of the body, after any gzip inflation)");
        }
        List<JsonNode> items;
        try {
            items = mediaType.endsWith("ndjson") || (mediaType.equals("text/plain") && looksLikeNdjson(body))
                    ? codec.readLines(body)
                    : unwrap(codec.readTree(body));
        } catch (InvalidJsonException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        if (items.isEmpty()) {
            throw ApiException.badRequest("the batch is empty");
        }
        if (items.size() > maxItems) {
            throw ApiException.tooLarge("the batch has " + items.size() + " events; the limit is " + maxItems);
        }
        return items;
    }

    private static List<JsonNode> unwrap(JsonNode root) {
        if (!root.isArray()) {
            return List.of(root);
        }
        List<JsonNode> items = new ArrayList<>(root.size());
        root.forEach(items::add);
        return items;
    }

    /** A beacon body with more than one non-blank line is NDJSON; one line is plain JSON. */
    private static boolean looksLikeNdjson(byte[] body) {
        int lines = 0;
        boolean content = false;
        for (byte b : body) {
            if (b == '\n') {
                if (content) lines++;
                content = false;
            } else if (b != ' ' && b != '\t' && b != '\r') {
                content = true;
            }
        }
        if (content) lines++;
        // A pretty-printed JSON document also spans lines, but starts with '{' or '[' and does not
        // end a line with '}' before its end; reading it as NDJSON would fail, so only treat it as
        // NDJSON when the first line is a complete object.
        return lines > 1 && firstLineIsObject(body);
    }

    private static boolean firstLineIsObject(byte[] body) {
        int end = 0;
        while (end < body.length && body[end] != '\n') end++;
        int last = end - 1;
        while (last >= 0 && (body[last] == ' ' || body[last] == '\r' || body[last] == '\t')) last--;
        int first = 0;
        while (first < end && (body[first] == ' ' || body[first] == '\t')) first++;
        return first < end && body[first] == '{' && last >= 0 && body[last] == '}';
    }

    static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            // fetch() with a string body and no header sends text/plain; so does sendBeacon.
            return "text/plain";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }
}
