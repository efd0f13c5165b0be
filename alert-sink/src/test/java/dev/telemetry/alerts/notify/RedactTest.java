package dev.telemetry.alerts.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RedactTest {

    @Test
    void shouldShowOnlySchemeAndHostWhenAUrlCarriesSecrets() {
        assertThat(Redact.origin("https://user:pw@hooks.example.com:8443/services/T0/B0/secret?token=abc"))
                .isEqualTo("https://hooks.example.com:8443");
        assertThat(Redact.origin("not a url")).isEqualTo("<invalid url>");
        assertThat(Redact.origin(null)).isEqualTo("<no url>");
    }

    @Test
    void shouldHidePathQueryAndWholeUrlWhenTheyAppearInText() {
        URI url = URI.create("https://hooks.example.com/services/T0/B0/secret?token=abc");

        assertThat(Redact.scrub("failed: " + url + " and /services/T0/B0/secret and token=abc", url))
                .isEqualTo("failed: <redacted> and <redacted> and <redacted>");
    }
}
