package dev.telemetry.processor.topology;

import static dev.telemetry.processor.topology.TopologyHarness.APP;
import static dev.telemetry.processor.topology.TopologyHarness.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.telemetry.events.VitalAttribution;
import dev.telemetry.events.VitalEvent;
import dev.telemetry.events.derived.Summary;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Vitals per page and form factor, the parts of LCP and INP from their attribution, and the Core Web Vitals
 * assessment per page, form factor and window.
 */
class WebVitalsAttributionTest extends HarnessTestSupport {

    @Test
    void shouldSummarisePerPageAndFormFactorBesidesPerPageWhenVitalsNameFormFactor() {
        vital("LCP", 1000, "phone", null, at(1));
        vital("LCP", 3000, "phone", null, at(2));
        vital("LCP", 2000, "desktop", null, at(3));
        vital("LCP", 4000, null, null, at(4));
        vital("FCP", 1500, "phone", null, at(5));

        harness.wallClockTo(at(75));

        Map<String, Summary> byKey = harness.exactSummariesByKey();
        assertThat(byKey.get("shop|LCP{page=/checkout}").count()).as("every LCP of the page").isEqualTo(4);
        Summary phone = byKey.get("shop|LCP{formFactor=phone,page=/checkout}");
        assertThat(phone).isEqualTo(new Summary(1, APP, "LCP", "LCP{formFactor=phone,page=/checkout}",
                Map.of("page", "/checkout", "formFactor", "phone"), at(0), at(60), 2, 4000, 1000, 3000, 2000));
        assertThat(byKey.get("shop|LCP{formFactor=desktop,page=/checkout}").count()).isEqualTo(1);
        assertThat(byKey.get("shop|FCP{formFactor=phone,page=/checkout}").count())
                .as("the other vitals per form factor too (without the repartition: no assessment needs them)")
                .isEqualTo(1);
        assertThat(byKey.keySet()).as("no form factor, no series of its own")
                .noneMatch(key -> key.contains("formFactor=tablet"));
    }

    @Test
    void shouldSummariseLcpAndInpPartsPerPageWhenVitalsCarryAttribution() {
        for (int i = 0; i < 4; i++) {
            harness.vital(new VitalEvent("LCP", 3000 + i, "v" + i, "navigate", null, null, "/checkout", null,
                    at(1 + i).toEpochMilli(), lcp(100 + i, 1000 + i * 100, 800, 200), "phone", "4g"), at(1 + i));
        }
        harness.vital(new VitalEvent("INP", 640, "i1", "navigate", null, null, "/checkout", null, at(6).toEpochMilli(),
                inp(40, 550, 50), "phone", null), at(6));
        harness.vital(new VitalEvent("CLS", 0.3, "c1", "navigate", null, null, "/checkout", null, at(7).toEpochMilli(),
                new VitalAttribution(null, null, null, null, null, null, null, null, null, null, null, "#ad", 0.3,
                        null, null, null, null, null, null, "complete"), "phone", null), at(7));

        harness.wallClockTo(at(75));

        Map<String, Summary> byKey = harness.summaries().stream().collect(Collectors.toMap(Summary::key, s -> s));
        assertThat(byKey.get("shop|lcp_resource_load_delay{page=/checkout}").p75()).as("p75 of 1000..1300")
                .isEqualTo(1200.0);
        assertThat(byKey.get("shop|lcp_time_to_first_byte{page=/checkout}").count()).isEqualTo(4);
        assertThat(byKey.get("shop|lcp_resource_load_duration{page=/checkout}").max()).isEqualTo(800.0);
        assertThat(byKey.get("shop|lcp_element_render_delay{page=/checkout}").min()).isEqualTo(200.0);
        assertThat(byKey.get("shop|inp_processing_duration{page=/checkout}").max()).isEqualTo(550.0);
        assertThat(byKey.get("shop|inp_input_delay{page=/checkout}").max()).isEqualTo(40.0);
        assertThat(byKey.get("shop|inp_presentation_delay{page=/checkout}").max()).isEqualTo(50.0);
        assertThat(byKey.keySet()).as("CLS has no parts").noneMatch(key -> key.contains("cls_"));
    }

    @Test
    void shouldAssessEachPageAndFormFactorAsCruxDoesWhenWindowCloses() {
        // phone: LCP and CLS good, INP poor → fails
        vital("LCP", 2000, "phone", "/", at(1));
        vital("CLS", 0.05, "phone", "/", at(2));
        vital("INP", 600, "phone", "/", at(3));
        // desktop: all three good → passes
        vital("LCP", 1200, "desktop", "/", at(4));
        vital("CLS", 0.01, "desktop", "/", at(5));
        vital("INP", 80, "desktop", "/", at(6));
        // tablet: no INP in the window, LCP and CLS decide → passes
        vital("LCP", 2400, "tablet", "/", at(7));
        vital("CLS", 0.0, "tablet", "/", at(8));
        // /checkout on phones: LCP only, too little to judge → no assessment
        vital("LCP", 900, "phone", "/checkout", at(9));
        // /search on desktops: p75 of LCP poor (3 of 4 above 2.5 s) → fails
        for (int i = 0; i < 4; i++) {
            vital("LCP", i == 0 ? 1000 : 3000, "desktop", "/search", at(10 + i));
        }
        vital("CLS", 0.0, "desktop", "/search", at(15));

        harness.wallClockTo(at(75));

        Map<String, Double> assessed = harness.summaries().stream()
                .filter(s -> s.metric().equals("cwv_assessment"))
                .collect(Collectors.toMap(Summary::series, Summary::mean));
        assertThat(assessed).isEqualTo(Map.of(
                "cwv_assessment{formFactor=phone,page=/}", 0.0,
                "cwv_assessment{formFactor=desktop,page=/}", 1.0,
                "cwv_assessment{formFactor=tablet,page=/}", 1.0,
                "cwv_assessment{formFactor=desktop,page=/search}", 0.0));
    }

    @Test
    void shouldAssessEachWindowOnItsOwnWhenSeveralClose() {
        vital("LCP", 1000, "phone", "/", at(1));
        vital("CLS", 0.0, "phone", "/", at(2));
        vital("LCP", 5000, "phone", "/", at(61));
        vital("CLS", 0.0, "phone", "/", at(62));

        harness.wallClockTo(at(140));

        List<Summary> assessments = harness.summaries().stream().filter(s -> s.metric().equals("cwv_assessment"))
                .toList();
        assertThat(assessments).extracting(Summary::windowStart, Summary::mean)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(at(0), 1.0),
                        org.assertj.core.groups.Tuple.tuple(at(60), 0.0));
        assertThat(assessments.get(0).count()).isEqualTo(1);
    }

    private void vital(String name, double value, String formFactor, String page, Instant at) {
        harness.vital(new VitalEvent(name, value, "v-" + UUID.randomUUID(), "navigate", null, null,
                page == null ? "/checkout" : page, null, at.toEpochMilli(), null, formFactor, null), at);
    }

    private static VitalAttribution lcp(double ttfb, double loadDelay, double loadDuration, double renderDelay) {
        return new VitalAttribution("main > img.hero", "https://cdn.example.com/hero.jpg", ttfb, loadDelay,
                loadDuration, renderDelay, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null);
    }

    private static VitalAttribution inp(double inputDelay, double processing, double presentation) {
        return new VitalAttribution(null, null, null, null, null, null, "#buy", "pointer", inputDelay, processing,
                presentation, null, null, null, null, null, null, null, null, "complete");
    }
}
