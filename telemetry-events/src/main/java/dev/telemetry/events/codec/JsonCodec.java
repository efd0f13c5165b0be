package dev.telemetry.events.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The one JSON codec of the pipeline. Reading is strict where clients are concerned — bounded
 * nesting, string and number length; duplicate keys, NaN/Infinity and trailing garbage rejected —
 * and every failure becomes an {@link InvalidJsonException} with a message fit for a 400 body.
 * Times are written as ISO-8601 strings so analysts can read topics with any client.
 */
public final class JsonCodec {

    private static final JsonCodec DEFAULT = new JsonCodec(ReadLimits.defaults());

    private final ObjectMapper mapper;
    /**
     * One reader per event type for {@link #readEnvelopeStreaming}: the mapper's configuration, less the check for
     * trailing tokens, as the event is read in the middle of the envelope (the envelope's end is checked instead).
     */
    private final Map<EventType, ObjectReader> eventReaders = new EnumMap<>(EventType.class);

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
        // A number read into a string field keeps its text when streamed ("1.50") but not through the tree ("1.5"):
        // the streaming pass refuses that coercion and leaves such envelopes to the tree.
        ObjectMapper streaming = mapper.copy();
        streaming.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        for (EventType type : EventType.values()) {
            eventReaders.put(type, streaming.readerFor(type.recordClass())
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
        }
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

    /**
     * Reads an envelope as {@link #writeEnvelope} writes it. Most envelopes are read in one streaming pass, the event
     * bound straight from the parser ({@link #readEnvelopeStreaming}); anything that pass does not expect — an error
     * of any kind, fields out of the writer's order, values of unusual types — is read again through the tree
     * ({@link #readEnvelopeFromTree}), which decides and words the errors. The tree cost half of a backtest's time.
     */
    public Envelope readEnvelope(byte[] bytes) throws InvalidJsonException {
        Envelope envelope = readEnvelopeStreaming(bytes);
        return envelope != null ? envelope : readEnvelopeFromTree(bytes);
    }

    /**
     * The envelope read in one pass, or null whenever it cannot be read in one pass exactly as the tree would read
     * it (then the tree reads it, and fails if it must). The parser is the same (read limits, duplicate keys), the
     * document must end with the envelope (no trailing tokens), {@code type} must come before {@code event} (as
     * written), and every field the tree reads with a conversion ({@code asInt}, {@code asText}) must be of the type
     * that needs none.
     */
    Envelope readEnvelopeStreaming(byte[] bytes) {
        try (JsonParser p = mapper.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int schemaVersion = 0;
            String eventId = null;
            String app = null;
            String receivedAt = null;
            String eventTime = null;
            String clientIp = null;
            String userAgent = null;
            EventType type = null;
            TelemetryEvent event = null;
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "schemaVersion" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
                            return null;
                        }
                        schemaVersion = p.getIntValue();
                    }
                    case "eventId" -> eventId = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "app" -> app = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "receivedAt" -> receivedAt = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "eventTime" -> eventTime = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "clientIp", "userAgent" -> {
                        // asText(null): a string's text, null for null; other types convert (the tree's business).
                        if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NULL) {
                            return null;
                        }
                        String text = value == JsonToken.VALUE_STRING ? p.getText() : null;
                        if (field.equals("clientIp")) {
                            clientIp = text;
                        } else {
                            userAgent = text;
                        }
                    }
                    case "type" -> {
                        if (value != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        type = EventType.fromWireName(p.getText()).orElse(null);
                    }
                    case "event" -> {
                        if (type == null || value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        event = eventReaders.get(type).readValue(p);
                    }
                    default -> p.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null || event == null || eventId == null
                    || app == null || receivedAt == null || eventTime == null) {
                return null;
            }
            return new Envelope(schemaVersion, eventId, type, app, IsoInstant.parse(receivedAt),
                    IsoInstant.parse(eventTime), clientIp, userAgent, event);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The envelope read through a tree: the reference reading, with the error messages. */
    Envelope readEnvelopeFromTree(byte[] bytes) throws InvalidJsonException {
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
