package dev.telemetry.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.telemetry.console.config.ConsoleConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The compose file's {@code console} service is built like the other services (the root Dockerfile, MODULE
 * {@code console}), publishes 8084, checks its own {@code /health}, and its environment is what the console's
 * configuration reads: loaded through {@link ConsoleConfig} (which ignores unknown names, so a misspelt variable
 * would leave a blank) it follows the compose broker and points at the compose services on their own ports.
 */
class DockerComposeConsoleTest {

    private static final Pattern DEFAULTED = Pattern.compile("\\$\\{(\\w+):-([^}]*)}");

    @Test
    void shouldRunTheConsoleJarOnItsPortWithTheComposeServicesWhenComposeStartsIt() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docker-compose.yml").toFile());
        JsonNode services = compose.path("services");
        JsonNode console = services.path("console");

        assertThat(console.path("build").path("args").path("MODULE").asText()).isEqualTo("console");
        assertThat(console.path("build").path("target").asText()).isEqualTo("service");
        // The Dockerfile copies <MODULE>/target/<MODULE>.jar: the console's jar must be named after its module.
        assertThat(Files.readString(Path.of("..", "console", "pom.xml"))).contains("<finalName>${project.artifactId}</finalName>");
        assertThat(Files.readString(Path.of("..", "Dockerfile"))).contains("cp \"${MODULE}/target/${MODULE}.jar\" /out/service.jar");
        assertThat(console.path("ports").get(0).asText()).isEqualTo("8084:8084");
        // Like the other services it takes the x-service defaults (start after the topics, restart, drain time).
        String yaml = Files.readString(Path.of("..", "docker-compose.yml"));
        assertThat(yaml.substring(yaml.indexOf("\n  console:"))).containsPattern("^\\n  console:\\n    <<: \\*service\\n");
        assertThat(compose.path("x-service").path("depends_on").path("topics").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(console.path("healthcheck").path("test").toString()).contains("/dev/tcp/127.0.0.1/8084").contains("GET /health ");

        Map<String, String> env = new HashMap<>();
        console.path("environment").fields().forEachRemaining(e -> env.put(e.getKey(), defaulted(e.getValue().asText())));
        ConsoleConfig config = ConsoleConfig.load(new String[0], env);

        assertThat(config.http().port()).isEqualTo(8084);
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:19092");
        ConsoleConfig.Services urls = config.services();
        for (String url : List.of(urls.gateway(), urls.processor(), urls.sink(), urls.prober())) {
            URI uri = URI.create(url);
            JsonNode target = services.path(uri.getHost());
            assertThat(target.isMissingNode()).as("%s names a compose service", url).isFalse();
            assertThat(target.path("ports").get(0).asText()).as(url).isEqualTo(uri.getPort() + ":" + uri.getPort());
        }
        assertThat(urls.gateway()).isEqualTo("http://ingest-gateway:8080");
        // Blank unless set: reads open, writes off, the sink's admin token shared with the sink's own variable.
        assertThat(config.auth().readToken()).isEmpty();
        assertThat(config.auth().writeToken()).isEmpty();
        assertThat(console.path("environment").path("CONSOLE_SILENCES_ADMIN_TOKEN").asText())
                .isEqualTo(services.path("alert-sink").path("environment").path("SINK_ADMIN_TOKEN").asText());
    }

    /** What compose substitutes with nothing set: {@code ${NAME:-default}} becomes {@code default}. */
    private static String defaulted(String value) {
        Matcher m = DEFAULTED.matcher(value);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(2)));
    }
}
