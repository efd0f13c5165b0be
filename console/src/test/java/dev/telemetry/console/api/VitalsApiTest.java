package dev.telemetry.console.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.telemetry.console.view.SeriesView;
import dev.telemetry.console.view.VitalOffenders;
import dev.telemetry.console.view.VitalOffendersView;
import dev.telemetry.console.vitals.VitalBudgets;
import dev.telemetry.events.derived.Summary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/vitals}' issue 19 parts over views filled by hand (no HTTP, no Kafka): the per-page charts ignore the
 * per form factor series, the form factor breakdown and CWV assessment, the subparts, the top offenders, filters and
 * 400s.
 */
class VitalsApiTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:30Z");
    private static final Instant W0 = Instant.parse("2026-11-30T10:00:00Z"); // outside range=1h
    private static final Instant W1 = Instant.parse("2026-11-30T11:58:00Z");
    private static final Instant W2 = Instant.parse("2026-11-30T11:59:00Z");
    private static final String XSS = "<img src=x onerror=alert(1)>";
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final SeriesView series = new SeriesView(Duration.ofHours(6), 1000, 360, clock);
    private final VitalOffendersView offenders = new VitalOffendersView(Duration.ofHours(6), 100, 360, 50_000, clock);
    private final VitalsApi api = new VitalsApi(series, offenders, clock);

    /** A summary as the processor writes it: labels, and the series key SeriesKeys.format makes of them. */
    private static Summary summary(String app, String metric, Map<String, String> labels, Instant start, long count, double p75,
                                   Summary.Ratings ratings) {
        Map<String, String> sorted = new TreeMap<>(labels);
        StringBuilder key = new StringBuilder(metric);
        if (!sorted.isEmpty()) {
            key.append('{');
            sorted.forEach((k, v) -> key.append(key.charAt(key.length() - 1) == '{' ? "" : ",").append(k).append('=').append(v));
            key.append('}');
        }
        return new Summary(1, app, metric, key.toString(), sorted, start, start.plusSeconds(60), count, p75 * count, p75 / 2,
                p75 * 2, p75, p75 * 0.9, p75, p75 * 1.1, p75 * 1.2, p75 * 1.3, ratings);
    }

    private static Summary vital(String page, String formFactor, String vital, Instant start, long count, double p75) {
        Map<String, String> labels = formFactor == null ? Map.of("page", page) : Map.of("page", page, "formFactor", formFactor);
        return summary("shop", vital, labels, start, count, p75, new Summary.Ratings(count, 0, 0));
    }

    private static Summary assessment(String page, String formFactor, Instant start, boolean pass) {
        double v = pass ? 1 : 0;
        return new Summary(1, "shop", "cwv_assessment", "cwv_assessment{formFactor=" + formFactor + ",page=" + page + "}",
                Map.of("page", page, "formFactor", formFactor), start, start.plusSeconds(60), 1, v, v, v, v,
                null, null, null, null, null, null);
    }

    private static VitalOffenders record(String page, String vital, Instant start, long poor, VitalOffenders.Offender... list) {
        return new VitalOffenders(1, "shop", page, vital, start, start.plusSeconds(60), poor, List.of(list));
    }

    private static VitalOffenders.Offender o(String target, long count, double p75) {
        return new VitalOffenders.Offender(target, count, 0, p75);
    }

    private static Map<String, List<String>> q(String... kv) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.computeIfAbsent(kv[i], k -> new ArrayList<>()).add(kv[i + 1]);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(Object map, String key) {
        return (T) ((Map<String, Object>) map).get(key);
    }

    private void feed() {
        // The page's own series and, for the same vitals, the per form factor ones (item A): 10 = 6 phone + 4 desktop.
        series.add(vital("/checkout", null, "LCP", W1, 10, 3000));
        series.add(vital("/checkout", "phone", "LCP", W1, 6, 4000));
        series.add(vital("/checkout", "desktop", "LCP", W1, 4, 1500));
        series.add(vital("/checkout", null, "LCP", W2, 10, 2000));
        series.add(vital("/checkout", "phone", "LCP", W2, 2, 3000));
        series.add(vital("/checkout", "desktop", "LCP", W2, 8, 1000));
        series.add(vital("/checkout", "phone", "CLS", W2, 2, 0.05));
        series.add(vital("/", null, "LCP", W2, 3, 900));
        series.add(assessment("/checkout", "phone", W1, true));
        series.add(assessment("/checkout", "phone", W2, false));
        series.add(assessment("/checkout", "desktop", W2, true));
        // Subparts (item B): labels {page} only.
        series.add(summary("shop", "lcp_resource_load_delay", Map.of("page", "/checkout"), W1, 10, 100, null));
        series.add(summary("shop", "lcp_resource_load_delay", Map.of("page", "/checkout"), W2, 10, 900, null));
        series.add(summary("shop", "lcp_time_to_first_byte", Map.of("page", "/checkout"), W2, 10, 300, null));
        series.add(summary("shop", "inp_input_delay", Map.of("page", "/checkout"), W2, 4, 40, null));
        // Offenders (item D): two windows of LCP, one of CLS, and a page-less one.
        offenders.add(record("/checkout", "LCP", W0, 5, o("div.old", 5, 9000)));
        offenders.add(record("/checkout", "LCP", W1, 7, o("main > img.hero", 4, 4000), o(XSS, 3, 5000)));
        offenders.add(record("/checkout", "LCP", W2, 9, o(XSS, 6, 3000), o("main > img.hero", 2, 6000)));
        offenders.add(record("/checkout", "CLS", W2, 1, o("footer", 1, 0.4)));
        offenders.add(record("", "INP", W2, 2, o("button#buy", 2, 700)));
    }

    @Test
    void shouldChartThePagesOwnSeriesOnlyUnlessAFormFactorIsChosen() {
        feed();
        Map<String, Object> body = api.vitals(q("vital", "LCP"));
        List<Object> lcp = get(((List<?>) body.get("vitals")).get(0), "series");
        assertThat(lcp).as("one line per page, not per page and form factor").hasSize(2);
        Object checkout = lcp.stream().filter(l -> "/checkout".equals(get(l, "page"))).findFirst().orElseThrow();
        assertThat((List<Object>) get(checkout, "windows")).extracting(w -> get(w, "p75")).containsExactly(3000.0, 2000.0);
        Object latest = get(((List<?>) body.get("vitals")).get(0), "latest");
        assertThat((Long) get(latest, "good")).as("the page's 10 events counted once, plus /'s 3").isEqualTo(13L);
        assertThat(body.get("pages")).isEqualTo(List.of("/", "/checkout"));

        Map<String, Object> phone = api.vitals(q("vital", "LCP", "formFactor", "phone"));
        List<Object> lines = get(((List<?>) phone.get("vitals")).get(0), "series");
        assertThat(lines).hasSize(1);
        assertThat((List<Object>) get(lines.get(0), "windows")).extracting(w -> get(w, "p75")).containsExactly(4000.0, 3000.0);
        assertThat(phone.get("formFactor")).isEqualTo("phone");

        // The overview's budget status reads the page's series, not a form factor's.
        VitalBudgets.PageStatus status = VitalBudgets.pages(series, "shop").stream()
                .filter(p -> p.page().equals("/checkout")).findFirst().orElseThrow();
        assertThat(status.vitals()).extracting(VitalBudgets.VitalStatus::p75).containsExactly(2000.0);
    }

    @Test
    void shouldBreakAPageDownByFormFactorWithItsLatestAssessment() {
        feed();
        Map<String, Object> body = api.vitals(q("page", "/checkout"));
        List<Object> details = get(body, "details");
        assertThat(details).hasSize(1);
        assertThat((String) get(details.get(0), "page")).isEqualTo("/checkout");
        List<Object> ffs = get(details.get(0), "formFactors");
        assertThat(ffs).extracting(f -> get(f, "formFactor")).containsExactly("phone", "desktop");
        Object phone = ffs.get(0);
        List<Object> vitals = get(phone, "vitals");
        assertThat(vitals).extracting(v -> get(v, "vital")).containsExactly("LCP", "INP", "CLS", "FCP", "TTFB");
        // (4000 x 6 + 3000 x 2) / 8
        assertThat((Double) get(vitals.get(0), "p75")).isEqualTo(3750.0);
        assertThat((Long) get(vitals.get(0), "count")).isEqualTo(8L);
        assertThat((String) get(vitals.get(0), "status")).isEqualTo("over");
        assertThat((Object) get(vitals.get(1), "p75")).isNull();
        assertThat((Double) get(vitals.get(2), "p75")).isEqualTo(0.05);
        assertThat((Boolean) get(get(phone, "assessment"), "pass")).as("the latest window fails").isFalse();
        assertThat((Instant) get(get(phone, "assessment"), "windowStart")).isEqualTo(W2);
        assertThat((Boolean) get(get(ffs.get(1), "assessment"), "pass")).isTrue();
        // (1500 x 4 + 1000 x 8) / 12
        assertThat((Double) get(((List<?>) get(ffs.get(1), "vitals")).get(0), "p75")).isCloseTo(1166.67, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void shouldChartEachSubpartPerWindow() {
        feed();
        Object detail = ((List<?>) api.vitals(q("page", "/checkout")).get("details")).get(0);
        List<Object> subparts = get(detail, "subparts");
        assertThat(subparts).extracting(s -> get(s, "vital")).containsExactly("LCP", "INP");
        List<Object> lcp = get(subparts.get(0), "parts");
        assertThat(lcp).extracting(p -> get(p, "part")).as("in the order they happen")
                .containsExactly("lcp_time_to_first_byte", "lcp_resource_load_delay");
        assertThat((List<Object>) get(lcp.get(1), "windows")).extracting(w -> get(w, "p75")).containsExactly(100.0, 900.0);
        List<Object> inp = get(subparts.get(1), "parts");
        assertThat(inp).extracting(p -> get(p, "part")).containsExactly("inp_input_delay");
    }

    @Test
    void shouldListTopOffendersOfTheLatestWindowAndSummedOverTheRange() {
        feed();
        Object detail = ((List<?>) api.vitals(q("page", "/checkout", "range", "1h")).get("details")).get(0);
        List<Object> lists = get(detail, "offenders");
        assertThat(lists).extracting(l -> get(l, "vital")).containsExactly("LCP", "CLS");
        Object lcp = lists.get(0);
        Object latest = get(lcp, "latest");
        assertThat((Instant) get(latest, "windowStart")).isEqualTo(W2);
        assertThat((Long) get(latest, "poorCount")).isEqualTo(9L);
        List<Object> top = get(latest, "offenders");
        assertThat(top).extracting(o -> get(o, "target")).as("the target exactly as sent").containsExactly(XSS, "main > img.hero");
        assertThat(top).extracting(o -> get(o, "count")).containsExactly(6L, 2L);
        assertThat(top).extracting(o -> get(o, "p75")).containsExactly(3000.0, 6000.0);
        Object range = get(lcp, "range");
        assertThat((Integer) get(range, "windows")).as("W0 is outside the hour").isEqualTo(2);
        assertThat((Long) get(range, "poorCount")).isEqualTo(16L);
        List<Object> summed = get(range, "offenders");
        assertThat(summed).extracting(o -> get(o, "target")).containsExactly(XSS, "main > img.hero");
        assertThat(summed).extracting(o -> get(o, "count")).containsExactly(9L, 6L);
        // (3 x 5000 + 6 x 3000) / 9 and (4 x 4000 + 2 x 6000) / 6
        assertThat((Double) get(summed.get(0), "p75")).isCloseTo(3666.67, org.assertj.core.data.Offset.offset(0.01));
        assertThat((Double) get(summed.get(1), "p75")).isCloseTo(4666.67, org.assertj.core.data.Offset.offset(0.01));

        Object all = ((List<?>) api.vitals(q("page", "/checkout")).get("details")).get(0);
        Object allRange = get(((List<?>) get(all, "offenders")).get(0), "range");
        assertThat((Integer) get(allRange, "windows")).as("every window held without a range").isEqualTo(3);
        assertThat((List<Object>) get(allRange, "offenders")).extracting(o -> get(o, "target")).contains("div.old");

        Object noPage = ((List<?>) api.vitals(q("page", VitalBudgets.NO_PAGE)).get("details")).get(0);
        assertThat((List<Object>) get(noPage, "offenders")).extracting(l -> get(l, "vital")).as("page \"\" is (no page)")
                .containsExactly("INP");
    }

    @Test
    void shouldDetailTheBusiestPagesWithoutAPage() {
        feed();
        Map<String, Object> body = api.vitals(q());
        assertThat((List<Object>) body.get("details")).extracting(d -> get(d, "page")).containsExactly("/checkout", "/");
        assertThat(body.get("detailsTotal")).isEqualTo(2);
        assertThat(body.get("formFactors")).isEqualTo(List.of("phone", "tablet", "desktop"));
    }

    @Test
    void shouldRefuseBadParametersByName() {
        assertThatThrownBy(() -> api.vitals(q("formFactor", "watch"))).isInstanceOf(BadParameter.class)
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("formFactor");
        for (String bad : List.of("0m", "25h", "1d", "soon", "-1h")) {
            assertThatThrownBy(() -> api.vitals(q("range", bad))).as(bad).isInstanceOf(BadParameter.class)
                    .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("range");
        }
        assertThatThrownBy(() -> api.vitals(q("formFactor", "phone", "formFactor", "tablet"))).isInstanceOf(BadParameter.class)
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("formFactor");
        assertThatThrownBy(() -> api.vitals(q("form_factor", "phone"))).isInstanceOf(BadParameter.class)
                .extracting(e -> ((BadParameter) e).parameter()).isEqualTo("form_factor");
        assertThat(api.vitals(q("range", "24h", "formFactor", "tablet")).get("range")).isEqualTo("24h");
    }

    @Test
    void shouldBoundTheOffendersByTriplesWindowsAndRetention() {
        VitalOffendersView view = new VitalOffendersView(Duration.ofHours(1), 2, 2, 1_000, clock);
        assertThat(view.add(record("/a", "LCP", W0, 1, o("x", 1, 1)))).as("older than the retention").isFalse();
        assertThat(view.add(record("/a", "LCP", W1, 1, o("x", 1, 1)))).isTrue();
        assertThat(view.add(record("/a", "LCP", W1, 1, o("x", 1, 1)))).as("the same again").isFalse();
        assertThat(view.add(record("/a", "LCP", W1, 2, o("x", 2, 1)))).as("a window again replaces").isTrue();
        view.add(record("/a", "LCP", W2, 1, o("y", 1, 1)));
        view.add(record("/a", "LCP", W2.plusSeconds(60), 1, o("z", 1, 1)));
        assertThat(view.query("shop", "/a", "LCP", null).get(0)).extracting(VitalOffenders::windowStart)
                .containsExactly(W2, W2.plusSeconds(60));
        view.add(record("/b", "LCP", W1, 1, o("x", 1, 1)));
        view.add(record("/c", "LCP", W2, 1, o("x", 1, 1)));
        assertThat(view.size()).isEqualTo(2);
        assertThat(view.evicted()).as("/b's latest window was the oldest").isEqualTo(1);
        assertThat(view.query(null, "/b", null, null)).isEmpty();
    }

    @Test
    void shouldHoldAtMostMaxEntriesRecordsAndTargetsDroppingTheOldestWindowsFirst() {
        // Each record counts 1 + its 3 targets: 4. A cap of 10 holds two records.
        VitalOffendersView view = new VitalOffendersView(Duration.ofHours(1), 100, 100, 10, clock);
        view.add(record("/a", "LCP", W1, 3, o("x", 1, 1), o("y", 1, 1), o("z", 1, 1)));
        view.add(record("/b", "INP", W2, 3, o("x", 1, 1), o("y", 1, 1), o("z", 1, 1)));
        assertThat(view.entries()).isEqualTo(8);
        assertThat(view.add(record("/c", "CLS", W2.plusSeconds(60), 3, o("x", 1, 1), o("y", 1, 1), o("z", 1, 1))))
                .isTrue();

        assertThat(view.entries()).isEqualTo(8);
        assertThat(view.query(null, "/a", null, null)).as("the oldest window went").isEmpty();
        assertThat(view.size()).isEqualTo(2);
        view.prune();
        assertThat(view.entries()).as("kept in step when pruning").isEqualTo(8);
    }
}
