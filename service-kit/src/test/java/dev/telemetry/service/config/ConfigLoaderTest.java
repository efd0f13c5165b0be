package dev.telemetry.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    record Http(int port, List<String> hosts) {
    }

    record Sample(Http http, Duration window, String name) {
        static void validate(Sample s) {
            Require.port("http.port", s.http().port());
        }
    }

    @Test
    void shouldLoadShippedDefaultsWhenNothingIsOverridden() {
        Sample s = new ConfigLoader("/sample.yaml", "SAMPLE", Map.of()).load(null, Sample.class, Sample::validate);
        assertThat(s).isEqualTo(new Sample(new Http(8080, List.of("a", "b")), Duration.ofMinutes(1), "sample"));
    }

    @Test
    void shouldApplyEnvironmentOverridesWhenKeysAreKnown() {
        Map<String, String> env = Map.of("SAMPLE_HTTP_PORT", "9090", "SAMPLE_HTTP_HOSTS", "x, y", "SAMPLE_WINDOW", "30s",
                "SAMPLE_UNKNOWN", "ignored");
        Sample s = new ConfigLoader("/sample.yaml", "SAMPLE", env).load(null, Sample.class, Sample::validate);
        assertThat(s.http()).isEqualTo(new Http(9090, List.of("x", "y")));
        assertThat(s.window()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void shouldLayerAUserFileOverDefaultsWhenGiven(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("user.yaml"), "http:\n  port: 7000\n");
        Sample s = new ConfigLoader("/sample.yaml", "SAMPLE", Map.of()).load(file, Sample.class, Sample::validate);
        assertThat(s.http()).isEqualTo(new Http(7000, List.of("a", "b")));
    }

    @Test
    void shouldNameTheKeyWhenAValueHasTheWrongType() {
        assertThatThrownBy(() -> new ConfigLoader("/sample.yaml", "SAMPLE", Map.of("SAMPLE_HTTP_PORT", "eighty"))
                .load(null, Sample.class, Sample::validate))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.port:")
                .hasMessageContaining("must be a whole number, got \"eighty\"").hasMessageNotContaining("java.lang");
    }

    @Test
    void shouldNameTheKeyWhenADurationIsInvalid() {
        assertThatThrownBy(() -> new ConfigLoader("/sample.yaml", "SAMPLE", Map.of("SAMPLE_WINDOW", "soon"))
                .load(null, Sample.class, Sample::validate))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("window:").hasMessageContaining("10s");
    }

    @Test
    void shouldNameTheKeyWhenAUserFileHasAnUnknownKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("user.yaml"), "http:\n  prot: 7000\n");
        assertThatThrownBy(() -> new ConfigLoader("/sample.yaml", "SAMPLE", Map.of()).load(file, Sample.class, Sample::validate))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.prot: unknown key");
    }

    @Test
    void shouldNameTheKeyWhenValidationFails() {
        assertThatThrownBy(() -> new ConfigLoader("/sample.yaml", "SAMPLE", Map.of("SAMPLE_HTTP_PORT", "70000"))
                .load(null, Sample.class, Sample::validate))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("http.port: must be a port");
    }

    @Test
    void shouldAcceptBothFormsWhenAConfigFileIsGiven() {
        assertThat(ConfigLoader.configFile(new String[] {"--config", "a.yaml"})).isEqualTo(Path.of("a.yaml"));
        assertThat(ConfigLoader.configFile(new String[] {"--config=b.yaml"})).isEqualTo(Path.of("b.yaml"));
        assertThat(ConfigLoader.configFile(new String[0])).isNull();
    }

    @Test
    void shouldNameTheArgumentWhenItIsNotAConfigFile() {
        assertThatThrownBy(() -> ConfigLoader.configFile(new String[] {"--verbose"}))
                .isInstanceOf(ConfigException.class).hasMessage("--verbose: unknown argument (usage: [--config <file>])");
        assertThatThrownBy(() -> ConfigLoader.configFile(new String[] {"--config"}))
                .isInstanceOf(ConfigException.class).hasMessage("--config: needs a file: --config <file>");
    }

    @Test
    void shouldParseHumanDurations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("PT1M")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.format(Duration.ofSeconds(60))).isEqualTo("1m");
    }
}
