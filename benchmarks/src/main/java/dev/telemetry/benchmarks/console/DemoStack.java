package dev.telemetry.benchmarks.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.telemetry.stack.LocalStack;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The demo's stack ({@code ./telemetry demo}: broker, gateway, processor with 10 s windows and the demo's rule, sink)
 * on free ports, from the demo's own configuration files in the local-stack jar with the ports laid over them. The
 * stack's in-process console is pointed at topics nobody writes, so that the only console reading the pipeline is the
 * one under measurement (a separate JVM started from its jar).
 */
final class DemoStack {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private DemoStack() {
    }

    static LocalStack start(Path dir) throws IOException {
        int kafkaPort = freePort();
        int controllerPort = freePort();
        Map<String, Object> anyPort = Map.of("host", "127.0.0.1", "port", 0);
        Map<String, Object> kafka = Map.of("bootstrap-servers", "127.0.0.1:" + kafkaPort);
        Map<String, Object> muted = new LinkedHashMap<>();
        for (String role : List.of("summaries", "alerts", "notifications", "alerts-dlq", "security", "ratelimit")) {
            muted.put(role, "bench-unused." + role);
        }
        return LocalStack.start(new LocalStack.Options(dir.resolve("kafka"), kafkaPort, controllerPort, 3,
                config(dir, "gateway.yaml", Map.of("http", anyPort, "kafka", kafka)),
                config(dir, "processor.yaml", Map.of("http", anyPort, "kafka", kafka,
                        "state-dir", dir.resolve("processor-state").toString(),
                        "application-id", "console-bench-" + UUID.randomUUID())),
                config(dir, "sink.yaml", Map.of("http", anyPort, "kafka", kafka, "group-id", "console-bench-sink-" + UUID.randomUUID())),
                // The demo's check targets the gateway on 8080; ours is elsewhere, and the prober is not the subject.
                config(dir, "prober.yaml", Map.of("checks", List.of())),
                config(dir, "console.yaml", Map.of("http", anyPort, "kafka", kafka, "topics", muted))));
    }

    private static String[] config(Path dir, String name, Map<String, Object> overrides) {
        try (InputStream in = LocalStack.class.getResourceAsStream("/demo/" + name)) {
            ObjectNode config = in == null ? YAML.createObjectNode() : (ObjectNode) YAML.readTree(in);
            merge(config, YAML.valueToTree(overrides));
            Files.createDirectories(dir);
            Path file = dir.resolve(name);
            YAML.writeValue(file.toFile(), config);
            return new String[] {"--config", file.toString()};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
