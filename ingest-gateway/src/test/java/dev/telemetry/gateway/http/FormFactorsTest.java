package dev.telemetry.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The form factor a request's headers suggest: the client hint first, then the user agent's tokens. */
class FormFactorsTest {

    static final String PIXEL_CHROME = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Mobile Safari/537.36";
    static final String ANDROID_TABLET_CHROME = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36";
    static final String IPHONE_SAFARI = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    static final String IPAD_SAFARI_OLD = "Mozilla/5.0 (iPad; CPU OS 12_2 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/12.1 Mobile/15E148 Safari/604.1";
    static final String IPADOS_SAFARI = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.5 Safari/605.1.15";
    static final String FIREFOX_ANDROID_PHONE = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0";
    static final String FIREFOX_ANDROID_TABLET = "Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0";
    static final String KINDLE_FIRE = "Mozilla/5.0 (Linux; Android 9; KFMAWI) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Silk/130.4.1 like Chrome/130.0.6723.102 Safari/537.36";
    static final String OPERA_MINI = "Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54";
    static final String WINDOWS_CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36";
    static final String MAC_FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0";
    static final String LINUX_FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";

    static Stream<Arguments> headers() {
        return Stream.of(
                // The client hint decides when present...
                Arguments.of("?1", null, "phone"),
                Arguments.of("?1", WINDOWS_CHROME, "phone"),
                Arguments.of("?0", null, "desktop"),
                Arguments.of("?0", WINDOWS_CHROME, "desktop"),
                Arguments.of("?0", PIXEL_CHROME, "desktop"),
                Arguments.of(" ?1 ", null, "phone"),
                // ...except that "not mobile" from an Android tablet is a tablet, not a desktop.
                Arguments.of("?0", ANDROID_TABLET_CHROME, "tablet"),
                // A hint that is not a structured boolean is ignored.
                Arguments.of("1", PIXEL_CHROME, "phone"),
                Arguments.of("true", WINDOWS_CHROME, "desktop"),
                Arguments.of("", null, null),
                // Without a hint, the user agent.
                Arguments.of(null, PIXEL_CHROME, "phone"),
                Arguments.of(null, IPHONE_SAFARI, "phone"),
                Arguments.of(null, FIREFOX_ANDROID_PHONE, "phone"),
                Arguments.of(null, OPERA_MINI, "phone"),
                Arguments.of(null, ANDROID_TABLET_CHROME, "tablet"),
                Arguments.of(null, IPAD_SAFARI_OLD, "tablet"),
                Arguments.of(null, FIREFOX_ANDROID_TABLET, "tablet"),
                Arguments.of(null, KINDLE_FIRE, "tablet"),
                Arguments.of(null, WINDOWS_CHROME, "desktop"),
                Arguments.of(null, MAC_FIREFOX, "desktop"),
                Arguments.of(null, LINUX_FIREFOX, "desktop"),
                // iPadOS Safari asks for the desktop site with a Mac's user agent: counted as it presents itself.
                Arguments.of(null, IPADOS_SAFARI, "desktop"),
                Arguments.of(null, "curl/8.5.0", "desktop"),
                // Nothing to go by: unknown, not a guess.
                Arguments.of(null, null, null),
                Arguments.of(null, "  ", null));
    }

    @ParameterizedTest(name = "hint {0}, agent {1} -> {2}")
    @MethodSource("headers")
    void shouldDeriveTheFormFactorFromTheHintOrElseTheUserAgent(String hint, String userAgent, String expected) {
        assertThat(FormFactors.derive(hint, userAgent)).isEqualTo(expected);
    }
}
