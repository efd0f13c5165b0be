package dev.telemetry.stack.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.Summary;
import dev.telemetry.events.topic.Topic;
import dev.telemetry.events.topic.TopicCatalogue;
import dev.telemetry.stack.LocalStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web vitals view's issue 19 parts in a real browser against the real console and broker: per page summaries,
 * per page and form factor ones, the CWV assessment and LCP subparts on {@code telemetry.summaries}, and top offender
 * records on {@code telemetry.vitals-attribution} (written here as the contract's JSON: the processor's side is built
 * separately). The page (filters from the URL) shows the form factor table, the subpart chart and the offenders, an
 * offending target that is markup as text (no element made, nothing run), a new offender record live without a
 * reload, and logs no JavaScript error.
 */
class VitalsBrowserTest {

    private static final String XSS = "<img src=x onerror=alert(1)>";
    private static final String XSS_2 = "<img src=y onerror=\"window.__xss=1\">";
    private static final Duration SLOW = Duration.ofSeconds(120);
    private static final JsonCodec CODEC = JsonCodec.standard();

    @Test
    void shouldShowFormFactorsSubpartsAndOffendersAsTextAndFollowThemLive(@TempDir Path dir) throws Exception {
        try (LocalStack stack = ConsoleStack.start(dir.resolve("stack"), Map.of(), Map.of(), Map.of());
             ConsoleBrowser browser = ConsoleBrowser.start(ConsoleStack.consoleUrl(stack), dir.resolve("chromium"));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                     Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker().bootstrapServers()),
                     new StringSerializer(), new ByteArraySerializer())) {
            TopicCatalogue topics = TopicCatalogue.defaults();
            String app = "vitals-" + UUID.randomUUID().toString().substring(0, 8);
            Instant w1 = Instant.now().truncatedTo(ChronoUnit.MINUTES).minusSeconds(180);
            Instant w2 = w1.plusSeconds(60);
            for (Summary s : List.of(
                    summary(app, "LCP", Map.of("page", "/checkout"), w1, 10, 3000),
                    summary(app, "LCP", Map.of("page", "/checkout"), w2, 10, 2000),
                    summary(app, "LCP", Map.of("page", "/checkout", "formFactor", "phone"), w2, 6, 3500),
                    summary(app, "LCP", Map.of("page", "/checkout", "formFactor", "desktop"), w2, 4, 1200),
                    summary(app, "cwv_assessment", Map.of("page", "/checkout", "formFactor", "phone"), w2, 1, 0),
                    summary(app, "cwv_assessment", Map.of("page", "/checkout", "formFactor", "desktop"), w2, 1, 1),
                    summary(app, "lcp_resource_load_delay", Map.of("page", "/checkout"), w1, 10, 200),
                    summary(app, "lcp_resource_load_delay", Map.of("page", "/checkout"), w2, 10, 1500),
                    summary(app, "lcp_element_render_delay", Map.of("page", "/checkout"), w2, 10, 300))) {
                producer.send(new ProducerRecord<>(topics.name(Topic.SUMMARIES), s.series(), CODEC.write(s))).get();
            }
            String attribution = topics.name(Topic.VITALS_ATTRIBUTION);
            producer.send(new ProducerRecord<>(attribution, app + "|/checkout|LCP", offenders(app, "LCP", w2, 5,
                    XSS, 4, 4800.0))).get();

            browser.open("/vitals.html?app=" + app + "&page=/checkout&range=1h");
            browser.await("section.page-detail td.target code", SLOW);
            assertThat(text(browser, "section.page-detail .offenders-vital[data-vital='LCP'] table[data-scope='latest'] td.target code"))
                    .isEqualTo(XSS);
            assertThat(text(browser, "tr[data-form-factor='phone'] td[data-vital='LCP']")).isEqualTo("3,500 ms");
            assertThat(browser.driver().executeScript(
                    "return document.querySelector(\"tr[data-form-factor='phone'] td[data-assessment]\").dataset.assessment"))
                    .isEqualTo("false");
            assertThat(browser.driver().executeScript(
                    "return document.querySelector(\"tr[data-form-factor='desktop'] td[data-assessment]\").dataset.assessment"))
                    .isEqualTo("true");
            browser.await("section.page-detail .subparts .chart[data-vital='LCP'] canvas", SLOW);
            assertThat(browser.driver().executeScript("return document.querySelector('#range').value")).isEqualTo("1h");
            assertNothingRan(browser);

            // Live, without a reload: a new window's offenders (the stream names "vitals").
            producer.send(new ProducerRecord<>(attribution, app + "|/checkout|LCP", offenders(app, "LCP", w2.plusSeconds(60), 3,
                    XSS_2, 3, 5200.0))).get();
            new WebDriverWait(browser.driver(), SLOW).until(d -> XSS_2.equals(text(browser,
                    ".offenders-vital[data-vital='LCP'] table[data-scope='latest'] td.target code")));
            assertThat(browser.driver().executeScript("return document.querySelectorAll("
                    + "\".offenders-vital[data-vital='LCP'] table[data-scope='range'] tbody tr\").length")).isEqualTo(2L);
            browser.driver().executeScript("document.querySelector('section.page-detail').scrollIntoView()");
            browser.screenshot("vitals-breakdown");
            assertNothingRan(browser);
        }
    }

    private static void assertNothingRan(ConsoleBrowser browser) {
        Object images = browser.driver().executeScript("return document.querySelectorAll('main img, main iframe').length");
        assertThat(((Number) images).intValue()).as("elements made from targets").isZero();
        assertThat(browser.driver().executeScript("return typeof window.__xss")).isEqualTo("undefined");
        assertThat(browser.errors()).as("JavaScript errors on /vitals.html").isEmpty();
    }

    /** The exact text of the first element matching {@code css} (textContent: no trimming or layout). */
    private static String text(ConsoleBrowser browser, String css) {
        Object text = browser.driver().executeScript(
                "var n = document.querySelector(arguments[0]); return n ? n.textContent : null;", css);
        return text == null ? null : text.toString();
    }

    private static byte[] offenders(String app, String vital, Instant start, long poor, String target, long count, double p75) {
        return ("{\"schemaVersion\":1,\"app\":\"" + app + "\",\"page\":\"/checkout\",\"vital\":\"" + vital + "\","
                + "\"windowStart\":\"" + start + "\",\"windowEnd\":\"" + start.plusSeconds(60) + "\",\"poorCount\":" + poor
                + ",\"offenders\":[{\"target\":" + new String(CODEC.write(target), StandardCharsets.UTF_8) + ",\"count\":"
                + count + ",\"maxOvercount\":0,\"p75\":" + p75 + "}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static Summary summary(String app, String metric, Map<String, String> labels, Instant start, long count, double p75) {
        Map<String, String> sorted = new TreeMap<>(labels);
        StringBuilder key = new StringBuilder(metric).append('{');
        sorted.forEach((k, v) -> key.append(key.charAt(key.length() - 1) == '{' ? "" : ",").append(k).append('=').append(v));
        key.append('}');
        Summary.Ratings ratings = metric.equals("LCP") ? new Summary.Ratings(count, 0, 0) : null;
        return new Summary(1, app, metric, key.toString(), sorted, start, start.plusSeconds(60), count, p75 * count,
                p75, p75, p75, p75, p75, p75, p75, p75, ratings);
    }
}
