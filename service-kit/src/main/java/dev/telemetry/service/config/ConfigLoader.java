package dev.telemetry.service.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Loads a service's typed configuration: the YAML defaults shipped on the classpath, then an
 * optional user file, then environment overrides; binds the result to a record and validates it.
 * Every failure is a {@link ConfigException} naming the key, so a bad deployment fails at start-up
 * with a message an operator can act on.
 *
 * <p>Environment overrides: every key that exists in the shipped defaults can be set through
 * {@code <PREFIX>_<PATH>} where the path is upper-cased with dots and dashes turned into
 * underscores, e.g. {@code GATEWAY_HTTP_PORT} for {@code http.port}. Lists take comma-separated
 * values. {@code KAFKA_BOOTSTRAP_SERVERS} sets {@code kafka.bootstrap-servers} for every service.
 * Only known keys are looked up, so unrelated environment variables can never leak in.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML = JsonMapper.builder(new YAMLFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .addModule(new SimpleModule("durations").addDeserializer(Duration.class, new DurationDeserializer()))
            .build();

    private final String defaultsResource;
    private final String envPrefix;
    private final Map<String, String> env;

    /**
     * @param defaultsResource classpath resource holding the shipped defaults, e.g. {@code /gateway.yaml}
     * @param envPrefix        prefix of environment overrides, e.g. {@code GATEWAY}
     * @param env              the environment (tests pass their own map)
     */
    public ConfigLoader(String defaultsResource, String envPrefix, Map<String, String> env) {
        this.defaultsResource = defaultsResource;
        this.envPrefix = envPrefix;
        this.env = Map.copyOf(env);
    }

    /** Loads, overrides, binds and validates. {@code userFile} may be null. */
    public <T> T load(Path userFile, Class<T> type, Consumer<T> validator) {
        ObjectNode tree = defaults();
        if (userFile != null) {
            merge(tree, readFile(userFile), "");
        }
        applyEnvironment(tree, "");
        T config = bind(tree, type);
        validator.accept(config);
        return config;
    }

    /**
     * The file named by {@code --config <file>} (or {@code --config=<file>}) in a service's command
     * line, or null. Any other argument is an error rather than silently ignored.
     */
    public static Path configFile(String[] args) {
        Path file = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--config")) {
                if (i + 1 >= args.length || args[i + 1].isBlank()) {
                    throw new ConfigException("--config", "needs a file: --config <file>");
                }
                file = Path.of(args[++i]);
            } else if (arg.startsWith("--config=")) {
                file = Path.of(arg.substring("--config=".length()));
            } else {
                throw new ConfigException(arg, "unknown argument (usage: [--config <file>])");
            }
        }
        return file;
    }

    /** Binds without the environment: for tests and for YAML snippets such as rule files. */
    public static <T> T bind(JsonNode tree, Class<T> type) {
        try {
            return YAML.treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(path(e), "unknown key (known here: " + e.getKnownPropertyIds() + ")", e);
        } catch (JsonMappingException e) {
            String expected = e instanceof InvalidFormatException invalid ? expected(invalid.getTargetType()) : null;
            if (expected != null) {
                // Jackson's own words name Java types ("Cannot deserialize value of type `java.lang.Integer`..."): say
                // what the key takes instead.
                throw new ConfigException(path(e), expected + ", got " + shown(((InvalidFormatException) e).getValue()), e);
            }
            String problem = e.getOriginalMessage();
            Throwable root = e.getCause();
            if (root instanceof IllegalArgumentException iae && iae.getMessage() != null) {
                problem = iae.getMessage();
            }
            throw new ConfigException(path(e), firstLine(problem), e);
        } catch (IOException e) {
            throw new ConfigException("(root)", firstLine(e.getMessage()), e);
        }
    }

    /** Reads YAML text into a tree; errors name the source. */
    public static JsonNode readYaml(InputStream in, String source) {
        try {
            JsonNode node = YAML.readTree(in);
            return node == null || node.isMissingNode() || node.isNull() ? JsonNodeFactory.instance.objectNode() : node;
        } catch (IOException e) {
            throw new ConfigException(source, "not valid YAML: " + firstLine(e.getMessage()), e);
        }
    }

    private ObjectNode defaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(defaultsResource)) {
            if (in == null) {
                throw new ConfigException(defaultsResource, "shipped defaults missing from the classpath");
            }
            return (ObjectNode) readYaml(in, defaultsResource);
        } catch (IOException e) {
            throw new ConfigException(defaultsResource, e.getMessage(), e);
        }
    }

    private static JsonNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file.toString(), "configuration file not found");
        }
        try (InputStream in = Files.newInputStream(file)) {
            JsonNode node = readYaml(in, file.toString());
            if (!node.isObject()) {
                throw new ConfigException(file.toString(), "must be a YAML mapping at the top level");
            }
            return node;
        } catch (IOException e) {
            throw new ConfigException(file.toString(), e.getMessage(), e);
        }
    }

    /** User values replace defaults leaf by leaf; lists are replaced whole. */
    private static void merge(ObjectNode target, JsonNode overlay, String prefix) {
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode existingObject && field.getValue().isObject()) {
                merge(existingObject, field.getValue(), prefix + field.getKey() + ".");
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    private void applyEnvironment(ObjectNode node, String prefix) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            String key = prefix + name;
            JsonNode value = node.get(name);
            if (value.isObject()) {
                applyEnvironment((ObjectNode) value, key + ".");
                continue;
            }
            if (value.isArray() && value.size() > 0 && value.get(0).isContainerNode()) {
                // Lists of objects (ingest keys, receivers, rules) only come from YAML files.
                continue;
            }
            String override = env.get(envName(envPrefix, key));
            if (override == null && key.equals("kafka.bootstrap-servers")) {
                override = env.get("KAFKA_BOOTSTRAP_SERVERS");
            }
            if (override == null) {
                continue;
            }
            if (value.isArray()) {
                ArrayNode list = JsonNodeFactory.instance.arrayNode();
                for (String item : override.split(",")) {
                    if (!item.isBlank()) {
                        list.add(item.trim());
                    }
                }
                node.set(name, list);
            } else {
                // Bound as text; Jackson coerces "8080" to int and names the key if it cannot.
                node.set(name, TextNode.valueOf(override));
            }
        }
    }

    /** The environment variable that overrides {@code key}, e.g. {@code GATEWAY_HTTP_PORT}. */
    public static String envName(String prefix, String key) {
        return prefix + "_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "(root)" : sb.toString();
    }

    /** What a key of {@code type} takes, in a user's words; null for types whose own messages say it. */
    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "must be a whole number";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        return null;
    }

    private static String shown(Object value) {
        return value instanceof String text ? "\"" + firstLine(text) + "\"" : String.valueOf(value);
    }

    private static String firstLine(String message) {
        if (message == null) return "invalid value";
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static final class DurationDeserializer extends StdScalarDeserializer<Duration> {
        DurationDeserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = p.getValueAsString();
            if (text == null) {
                throw ctxt.weirdStringException(p.getText(), Duration.class, "expected a duration such as 10s or 1m");
            }
            try {
                return Durations.parse(text);
            } catch (IllegalArgumentException e) {
                throw ctxt.weirdStringException(text, Duration.class, e.getMessage());
            }
        }
    }
}
