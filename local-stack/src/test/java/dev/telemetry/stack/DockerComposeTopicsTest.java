package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.telemetry.events.topic.Topic;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compose file's one-shot `topics` service creates exactly the topics of the catalogue, each with
 * the settings {@link Topic#creationConfigs()} gives it (what the local broker uses), so a deployment
 * with Docker lays its topics out as `./telemetry up` does.
 */
class DockerComposeTopicsTest {

    private static final Pattern VARIABLE = Pattern.compile("(\\w+)=(\\d+)");
    private static final Pattern LOOP = Pattern.compile("for t in ([^;]+); do");
    private static final Pattern CREATE = Pattern.compile("create \"([^\"]*)\\$\\$t\"(.*)");
    private static final Pattern CONFIG = Pattern.compile("--config (\\S+)=(\\S+)");

    @Test
    void shouldCreateEveryCatalogueTopicWithItsConfigsWhenComposeTopicsServiceRuns() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docker-compose.yml").toFile());
        JsonNode topicsService = compose.path("services").path("topics");
        assertThat(topicsService.path("image").asText()).isEqualTo("apache/kafka:4.4.0");

        Map<String, Map<String, String>> created = created(topicsService.path("command").get(0).asText());

        Map<String, Map<String, String>> expected = new LinkedHashMap<>();
        for (Topic topic : Topic.values()) {
            expected.put(topic.defaultName(), topic.creationConfigs());
        }
        assertThat(created).isEqualTo(expected);
    }

    @Test
    void shouldUseOfficialKafkaImageInKraftModeWhenComposeStartsBroker() throws Exception {
        JsonNode kafka = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docker-compose.yml").toFile())
                .path("services").path("kafka");

        assertThat(kafka.path("image").asText()).isEqualTo("apache/kafka:4.4.0");
        assertThat(kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
    }

    /** Topic name → --config settings, from the script's `for t in ...; do create "<prefix>$$t" ...` loops. */
    private static Map<String, Map<String, String>> created(String script) {
        Map<String, String> variables = new HashMap<>();
        Map<String, Map<String, String>> created = new LinkedHashMap<>();
        List<String> loopTopics = List.of();
        for (String line : script.lines().map(String::trim).toList()) {
            Matcher loop = LOOP.matcher(line);
            Matcher create = CREATE.matcher(line);
            if (loop.matches()) {
                loopTopics = Arrays.asList(loop.group(1).trim().split("\\s+"));
            } else if (create.matches()) {
                Map<String, String> configs = new HashMap<>();
                Matcher config = CONFIG.matcher(create.group(2));
                while (config.find()) {
                    String value = config.group(2);
                    configs.put(config.group(1), value.startsWith("$$") ? variables.get(value.substring(2)) : value);
                }
                for (String topic : loopTopics) {
                    created.put(create.group(1) + topic, configs);
                }
            } else if (!line.startsWith("for") && !line.contains("$$")) {
                Matcher variable = VARIABLE.matcher(line);
                while (variable.find()) {
                    variables.put(variable.group(1), variable.group(2));
                }
            }
        }
        return created;
    }
}
