package dev.telemetry.alerts.silence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Alertmanager's matcher semantics, one row per operator and edge: full-match regexes, a missing label is "". */
class MatcherTest {

    private static final Map<String, String> LABELS = Map.of("app", "shop", "severity", "high", "path", "/a\"b");

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = ';', textBlock = """
            app="shop"               ; true
            app="cart"               ; false
            app!="cart"              ; true
            app!="shop"              ; false
            app=~"sh.p"              ; true
            app=~"sh"                ; false
            app=~"shop|cart"         ; true
            app!~"cart|web"          ; true
            app!~"s.*"               ; false
            team=""                  ; true
            team!=""                 ; false
            team=~".*"               ; true
            severity=~"high|warning" ; true
            path="/a\\"b"            ; true
            """)
    void shouldMatchLikeAlertmanagerWhenGivenLabels(String text, boolean expected) {
        assertThat(Matcher.parse(text).matches(LABELS)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            app="shop"       ; app="shop"
            app != "cart"    ; app!="cart"
            app=~"a|b"       ; app=~"a|b"
            path="x\\"y"     ; path="x\\"y"
            """)
    void shouldPrintTheCanonicalTextWhenParsed(String text, String canonical) {
        assertThat(Matcher.parse(text).text()).isEqualTo(canonical);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', textBlock = """
            app                 ; is not a matcher
            app=shop            ; is not a matcher
            1app="x"            ; is not a matcher
            app=="x"            ; is not a matcher
            app=~"("            ; is not a valid regular expression
            """)
    void shouldRefuseWithAReasonWhenTheTextIsNotAMatcher(String text, String reason) {
        assertThatThrownBy(() -> Matcher.parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }
}
