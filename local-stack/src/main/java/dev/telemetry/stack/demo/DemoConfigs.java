package dev.telemetry.stack.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * The demo's configuration files ({@code demo/*.yaml} in this jar) written out as files the
 * services' {@code --config} can read, each with a few run-time settings laid over it (a temporary
 * state directory, the pace's windows; tests add free ports and unique names).
 */
final class DemoConfigs {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DemoConfigs() {
    }

    /**
     * Writes {@code demo/<name>} to {@code dir/<name>} with {@code overrides} (nested maps, as in the YAML)
     * merged over it, and returns the file.
     */
    static Path write(Path dir, String name, Map<String, Object> overrides) {
        String resource = "/demo/" + name;
        try (InputStream in = DemoConfigs.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("demo configuration " + resource + " is missing from the jar");
            }
            ObjectNode config = (ObjectNode) YAML.readTree(in);
            merge(config, YAML.valueToTree(overrides));
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            YAML.writeValue(file.toFile(), config);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo's " + name + " to " + dir, e);
        }
    }

    private static void merge(ObjectNode target, JsonNode overlay) {
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (target.get(field.getKey()) instanceof ObjectNode existing && field.getValue().isObject()) {
                merge(existing, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }

    /** A duration as the services' configuration reads it, e.g. {@code 2000ms}. */
    static String duration(java.time.Duration duration) {
        return duration.toMillis() + "ms";
    }
}
