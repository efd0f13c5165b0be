package dev.telemetry.events.validation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The name grammar (metric, action, check names, tag keys) and the closed set of vital names. */
class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"checkout_ms", "api.latency/ms", "action-add-to-cart", "http.server.duration", "M", "a1_b.c-d/e"})
    void shouldAcceptNameWhenItFollowsTheGrammar(String name) {
        assertThat(Names.isName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1st", "_x", "-x", "checkout time", "DROP TABLE", "x<script>", "a'b", "home:1", "é", "a\tb"})
    void shouldRefuseNameWhenItBreaksTheGrammar(String name) {
        assertThat(Names.isName(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"LCP", "INP", "CLS", "FCP", "TTFB", "FID", "TTI", "page_load", "feature-editor", "feature-search.box"})
    void shouldAcceptVitalNameWhenItIsAWebVitalOrAFeatureTiming(String name) {
        assertThat(Names.isVitalName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DROP TABLE", "lcp", "LCPX", "feature-", "feature-a b", "checkout_ms"})
    void shouldRefuseVitalNameWhenItIsNeither(String name) {
        assertThat(Names.isVitalName(name)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void shouldRefuseNameWhenLongerThan255Characters() {
        assertThat(Names.isName("a".repeat(255))).isTrue();
        assertThat(Names.isName("a".repeat(256))).isFalse();
    }
}
