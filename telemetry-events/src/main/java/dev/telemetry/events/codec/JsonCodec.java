package dev.telemetry.events.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.telemetry.events.Envelope;
import dev.telemetry.events.EventType;
import dev.telemetry.events.TelemetryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one JSON codec of the pipeline. Reading is strict where clients are concerned — bounded
 * nesting, string and number length; duplicate keys, NaN/Infinity and trailing garbage rejected —
 * and every failure becomes an {@link InvalidJsonException} with a message fit for a 400 body.
 * Times are written as ISO-8601 strings so analysts can read topics with any client.
 */
public final class JsonCodec {

    private static final JsonCodec DEFAULT = new JsonCodec(ReadLimits.defaults());

    private final ObjectMapper mapper;

    public JsonCodec(ReadLimits limits) {
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(limits.maxNestingDepth())
                        .maxStringLength(limits.maxStringLength())
                        .maxNumberLength(limits.maxNumberLength())
                        .build())
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        this.mapper = JsonMapper.builder(factory)
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .build();
    }

    /** The codec with default limits. */
    public static JsonCodec standard() {
        return DEFAULT;
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    /** Parses one JSON document (object, array, ...) under the read constraints. */
    public JsonNode readTree(byte[] bytes) throws InvalidJsonException {
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new InvalidJsonException("body is empty", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(describe(e), e);
        } catch (IOException e) {
            throw new InvalidJsonException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Parses newline-delimited JSON: one document per non-blank line. A bad line fails the whole
     * body with its line number, because line boundaries after it cannot be trusted either.
     */
    public List<JsonNode> readLines(byte[] bytes) throws InvalidJsonException {
        List<JsonNode> nodes = new ArrayList<>();
        int start = 0;
        int line = 1;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                int end = i;
                if (end > start && bytes[end - 1] == '\r') {
                    end--;
                }
                if (!isBlank(bytes, start, end)) {
                    try {
                        nodes.add(mapper.readTree(bytes, start, end - start));
                    } catch (JsonProcessingException e) {
                        throw new InvalidJsonException("line " + line + ": " + describe(e), e);
                    } catch (IOException e) {
                        throw new InvalidJsonException("line " + line + ": unreadable JSON", e);
                    }
                }
                start = i + 1;
                line++;
            }
        }
        if (nodes.isEmpty()) {
            throw new InvalidJsonException("body is empty", null);
        }
        return nodes;
    }

    public byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public <T> T read(byte[] bytes, Class<T> type) throws InvalidJsonException {
        try {
            return mapper.readValue(bytes, type);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException(describe(e), e);
        } catch (IOException e) {
            throw new InvalidJsonException("unreadable JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Writes an envelope with its event nested under {@code event} and the type's wire name. Streams
     * straight to bytes (no intermediate tree): it runs once per accepted event on the gateway's hot path.
     */
    public byte[] writeEnvelope(Envelope envelope) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(512);
        try (JsonGenerator g = mapper.getFactory().createGenerator(bytes)) {
            g.writeStartObject();
            g.writeNumberField("schemaVersion", envelope.schemaVersion());
            g.writeStringField("eventId", envelope.eventId());
            g.writeStringField("type", envelope.type().wireName());
            g.writeStringField("app", envelope.app());
            char[] instant = new char[IsoInstant.MAX_LENGTH];
            g.writeFieldName("receivedAt");
            g.writeString(instant, 0, IsoInstant.format(envelope.receivedAt(), instant));
            g.writeFieldName("eventTime");
            g.writeString(instant, 0, IsoInstant.format(envelope.eventTime(), instant));
            g.writeStringField("clientIp", envelope.clientIp());
            g.writeStringField("userAgent", envelope.userAgent());
            g.writeFieldName("event");
            mapper.writeValue(g, envelope.event());
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write envelope " + envelope.eventId() + " as JSON: " + e.getMessage(), e);
        }
        return bytes.toByteArray();
    }

    public Envelope readEnvelope(byte[] bytes) throws InvalidJsonException {
        JsonNode node = readTree(bytes);
        try {
            EventType type = EventType.fromWireName(node.path("type").asText(null))
                    .orElseThrow(() -> new IllegalArgumentException("unknown type '" + node.path("type").asText() + "'"));
            TelemetryEvent event = mapper.treeToValue(node.get("event"), type.recordClass());
            return new Envelope(node.path("schemaVersion").asInt(), text(node, "eventId"), type, text(node, "app"),
                    IsoInstant.parse(text(node, "receivedAt")), IsoInstant.parse(text(node, "eventTime")),
                    node.path("clientIp").asText(null), node.path("userAgent").asText(null), event);
        } catch (JsonProcessingException e) {
            throw new InvalidJsonException("not an envelope: " + describe(e), e);
        } catch (RuntimeException e) {
            throw new InvalidJsonException("not an envelope: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v.textValue();
    }

    /** Turns Jackson's messages into one line that names the problem and its position. */
    static String describe(JsonProcessingException e) {
        String where = "";
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) {
            where = " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
        }
        String original = e.getOriginalMessage() == null ? "invalid JSON" : e.getOriginalMessage();
        if (e instanceof StreamConstraintsException) {
            return "document exceeds a read limit: " + firstSentence(original);
        }
        if (original.startsWith("Duplicate field")) {
            return "duplicate key " + original.substring("Duplicate field ".length()).trim() + where;
        }
        if (original.contains("Non-standard token") || original.contains("NaN") || original.contains("Infinity")) {
            return "NaN and Infinity are not JSON numbers" + where;
        }
        if (e instanceof JsonParseException || e.getProcessor() instanceof JsonParser) {
            return "malformed JSON" + where + ": " + firstSentence(original);
        }
        return firstSentence(original) + where;
    }

    private static String firstSentence(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /** Wraps checked I/O for callers that only write known-good values. */
    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
