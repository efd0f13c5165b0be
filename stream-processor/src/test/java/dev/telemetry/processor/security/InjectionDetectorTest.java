package dev.telemetry.processor.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link InjectionDetector}: attacks by class, ordinary English left alone, and the corpus targets. */
class InjectionDetectorTest {

    private final InjectionDetector detector = new InjectionDetector();

    @ParameterizedTest
    @ValueSource(strings = {"please select an option", "drop-down menu", "1 or 2 items; thanks", "or 1 more",
            "Select your country from the drop-down menu.", "O'Brien", "Tom & Jerry", "5 < 7", "Order by Friday",
            "/products/shoes?color=red&page=2", "Delete from my cart the blue shoes, please."})
    void shouldNotFlagInputWhenItIsOrdinaryEnglish(String input) {
        assertThat(detector.inspect(input)).isEqualTo(new Verdict(false, null, null));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\0', value = {
            "' or '1'='1|sqli",
            "1' OR 1=1--|sqli",
            "admin'--|sqli",
            "1 UNION SELECT username, password FROM users|sqli",
            "%27%20union%20select%20null%2Cnull--|sqli",
            "1; DROP TABLE users--|sqli",
            "1' AND SLEEP(5)#|sqli",
            "'; exec master..xp_cmdshell 'dir'--|sqli",
            "<script>alert(1)</script>|xss",
            "<img src=x onerror=alert(1)>|xss",
            "\"><svg/onload=alert(1)>|xss",
            "javascript:alert(document.cookie)|xss",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E|xss",
            "&lt;iframe src=javascript:alert(1)&gt;|xss"})
    void shouldFlagAttackWithItsClassWhenInputInjects(String input, String attackClass) {
        Verdict verdict = detector.inspect(input);

        assertThat(verdict.attack()).as(input).isTrue();
        assertThat(verdict.attackClass().wireName()).isEqualTo(attackClass);
    }

    @Test
    void shouldPrintOneJsonVerdictPerLineWhenUsedAsCommand() throws Exception {
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                DetectCommand.verdict(detector, "1' or '1'='1")))
                .isEqualTo("{\"input\":\"1' or '1'='1\",\"attack\":true,\"class\":\"sqli\"}");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(
                DetectCommand.verdict(detector, "please select an option")))
                .isEqualTo("{\"input\":\"please select an option\",\"attack\":false,\"class\":null}");
    }

    @Test
    void shouldMeetDetectionAndFalsePositiveTargetsWhenEvaluatedOnCorpus() throws Exception {
        // The shared development corpus sits next to the repository; without it there is nothing to measure.
        Path corpus = Path.of("..", "..", "shared", "corpus", "security");
        if (System.getenv("CI") != null) {
            // CI always has shared/ beside the clone: a missing corpus there is a broken setup, not a skip.
            assertThat(corpus).as("corpus at %s", corpus.toAbsolutePath()).isDirectory();
        }
        assumeTrue(Files.isDirectory(corpus), "corpus not found at " + corpus.toAbsolutePath());

        List<DetectorEvaluation.Row> rows = DetectorEvaluation.evaluate(corpus, detector);

        long attacks = rows.stream().filter(r -> !r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::inputs).sum();
        long detected = rows.stream().filter(r -> !r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::detected).sum();
        long benign = rows.stream().filter(r -> r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::inputs).sum();
        long falsePositives = rows.stream().filter(r -> r.kind().equals("benign")).mapToLong(DetectorEvaluation.Row::detected).sum();
        assertThat(attacks).isGreaterThan(20_000);
        assertThat((double) detected / attacks).isGreaterThanOrEqualTo(0.95);
        assertThat((double) falsePositives / benign).isLessThanOrEqualTo(0.01);
    }
}
