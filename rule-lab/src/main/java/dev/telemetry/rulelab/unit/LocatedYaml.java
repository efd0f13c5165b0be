package dev.telemetry.rulelab.unit;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML file read into a Jackson tree that remembers where each node starts, by path
 * ({@code tests[0].input[2].every}), so that every error can name the line. Duplicate keys are errors.
 */
public final class LocatedYaml {

    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path file;
    private final JsonNode root;
    private final Map<String, Integer> lines;

    private LocatedYaml(Path file, JsonNode root, Map<String, Integer> lines) {
        this.file = file;
        this.root = root;
        this.lines = lines;
    }

    public static LocatedYaml read(Path file) throws BadTestFile {
        if (!Files.isRegularFile(file)) {
            throw new BadTestFile(file, 0, "(file)", Files.exists(file) ? "not a regular file" : "no such file");
        }
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser p = YAML.createParser(file.toFile())) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new BadTestFile(file, 1, "(file)", "empty: a test file is a YAML mapping with rules and tests");
            }
            JsonNode root = node(p, "", lines, file);
            return new LocatedYaml(file, root, lines);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new BadTestFile(file, at == null ? 0 : at.getLineNr(), "(file)", "not valid YAML: "
                    + firstLine(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new BadTestFile(file, 0, "(file)", "cannot be read: " + e.getMessage());
        }
    }

    private static JsonNode node(JsonParser p, String path, Map<String, Integer> lines, Path file)
            throws IOException, BadTestFile {
        lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String child = path.isEmpty() ? name : path + "." + name;
                    int line = p.currentTokenLocation().getLineNr();
                    if (object.has(name)) {
                        throw new BadTestFile(file, line, child, "duplicate key");
                    }
                    lines.put(child, line);
                    p.nextToken();
                    object.set(name, node(p, child, lines, file));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    array.add(node(p, path + "[" + index++ + "]", lines, file));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                return p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL ? NODES.numberNode(p.getDecimalValue())
                        : token == JsonToken.VALUE_NUMBER_FLOAT ? NODES.numberNode(p.getDoubleValue())
                        : p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? NODES.numberNode(p.getBigIntegerValue())
                        : p.getNumberType() == JsonParser.NumberType.LONG ? NODES.numberNode(p.getLongValue())
                        : NODES.numberNode(p.getIntValue());
            }
            case VALUE_TRUE -> {
                return NODES.booleanNode(true);
            }
            case VALUE_FALSE -> {
                return NODES.booleanNode(false);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new BadTestFile(file, p.currentTokenLocation().getLineNr(), path.isEmpty() ? "(root)" : path,
                    "unexpected " + token);
        }
    }

    public Path file() {
        return file;
    }

    public JsonNode root() {
        return root;
    }

    /** The line where {@code path} starts, or where its nearest enclosing key does; 0 when unknown. */
    public int line(String path) {
        String p = path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            if (cut <= 0) {
                Integer root = lines.get("");
                return root == null ? 0 : root;
            }
            p = p.substring(0, cut);
        }
    }

    /** An error at {@code path}, naming its line. */
    public BadTestFile error(String path, String problem) {
        return new BadTestFile(file, line(path), path.isEmpty() ? "(root)" : path, problem);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "invalid";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
