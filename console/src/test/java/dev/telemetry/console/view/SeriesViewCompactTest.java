package dev.telemetry.console.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.telemetry.events.codec.JsonCodec;
import dev.telemetry.events.derived.Summary;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The compact series store (a ring of slots per series) against the plain model it replaced: a sorted map of windows
 * per series, newest {@code max} kept, replays replacing; and its streamed JSON against Jackson's own of the same data.
 */
class SeriesViewCompactTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final JsonCodec CODEC = JsonCodec.standard();

    @Test
    void shouldKeepWhatASortedMapPerSeriesWouldKeepWhateverTheOrderOfArrival() {
        Random random = new Random(11);
        for (int round = 0; round < 200; round++) {
            int max = 1 + random.nextInt(12);
            SeriesView view = new SeriesView(Duration.ofHours(6), 100, max, Clock.fixed(NOW, ZoneOffset.UTC));
            Map<String, TreeMap<Instant, Summary>> model = new java.util.HashMap<>();
            int adds = random.nextInt(80);
            for (int i = 0; i < adds; i++) {
                String series = "s" + random.nextInt(3);
                // Mostly in order, sometimes late, sometimes a replay of a kept window.
                int minute = random.nextInt(10) < 7 ? i : random.nextInt(i + 1);
                Instant start = NOW.minus(Duration.ofMinutes(200)).plus(Duration.ofMinutes(minute));
                Summary s = summary(series, start, random.nextDouble(), random.nextInt(4) == 0);
                view.add(s);
                TreeMap<Instant, Summary> windows = model.computeIfAbsent(series, k -> new TreeMap<>());
                windows.put(start, s);
                while (windows.size() > max) {
                    windows.pollFirstEntry();
                }
            }
            for (SeriesData data : view.query("m", null)) {
                List<WindowStats> expected = model.get(data.series()).values().stream().map(WindowStats::of).toList();
                assertThat(data.windows()).as("round %d, series %s, cap %d", round, data.series(), max).isEqualTo(expected);
            }
            assertThat(view.query("m", null)).hasSize((int) model.values().stream().filter(w -> !w.isEmpty()).count());
            assertThat(view.windowCount()).isEqualTo(model.values().stream().mapToLong(TreeMap::size).sum());
        }
    }

    @Test
    void shouldWriteTheSameJsonAsJacksonWritesForTheQueryLeavingNullsOut() throws Exception {
        SeriesView view = new SeriesView(Duration.ofHours(6), 100, 360, Clock.fixed(NOW, ZoneOffset.UTC));
        for (int m = 0; m < 30; m++) {
            Instant start = NOW.minus(Duration.ofMinutes(60 - m));
            view.add(summary("a", start, m * 1.1, false));
            view.add(summary("b", start, 1e-7 * m, true));
            view.add(new Summary(1, "shop", "m", "old", Map.of(), start, start.plusSeconds(60), 3, 3, 1, 1, 1)); // no percentiles
        }
        // Re-read, so that both sides have the number nodes parsing gives (an int, not the record's long).
        JsonNode expected = CODEC.readTree(CODEC.write(withoutNulls(CODEC.mapper().valueToTree(view.query("m", null)))));
        JsonNode streamed = CODEC.readTree(CODEC.write(view.select("m", null, null)));
        assertThat(streamed.equals(expected)).as("streamed JSON equals Jackson's of query()").isTrue();
        assertThat(streamed.get(0).get("windows").get(0).get("windowStart").asText()).isEqualTo(NOW.minus(Duration.ofMinutes(60)).toString());
        assertThat(streamed.get(1).get("windows").get(0).has("ratings")).isTrue();
        assertThat(streamed.get(0).get("windows").get(0).has("ratings")).isFalse();
    }

    @Test
    void shouldWriteOnlyTheStatisticsAskedFor() throws Exception {
        SeriesView view = new SeriesView(Duration.ofHours(6), 100, 360, Clock.fixed(NOW, ZoneOffset.UTC));
        view.add(summary("a", NOW.minusSeconds(600), 2.5, true));
        JsonNode window = CODEC.readTree(CODEC.write(view.select("m", null, new LinkedHashSet<>(List.of("p95", "ratings")))))
                .get(0).get("windows").get(0);
        List<String> fields = new ArrayList<>();
        window.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("windowStart", "windowEnd", "p95", "ratings");
        assertThatThrownBy(() -> view.select("m", null, Set.of("p42"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWriteColumnsWithTheSameValuesAsTheWindows() throws Exception {
        SeriesView view = new SeriesView(Duration.ofHours(6), 100, 360, Clock.fixed(NOW, ZoneOffset.UTC));
        for (int m = 0; m < 5; m++) {
            Instant start = NOW.minus(Duration.ofMinutes(10 - m));
            view.add(summary("a", start, m * 0.37, m == 3));
            view.add(new Summary(1, "shop", "m", "old", Map.of(), start, start.plusSeconds(60), 3, 3, 1, 1, 1));
        }
        JsonNode windows = CODEC.readTree(CODEC.write(view.select("m", null, null, false)));
        JsonNode columns = CODEC.readTree(CODEC.write(view.select("m", null, new LinkedHashSet<>(List.of("count", "p95", "ratings")), true)));
        for (int s = 0; s < 2; s++) {
            JsonNode c = columns.get(s);
            assertThat(c.has("windows")).isFalse();
            for (int i = 0; i < 5; i++) {
                JsonNode w = windows.get(s).get("windows").get(i);
                assertThat(c.get("windowStart").get(i).asLong()).isEqualTo(Instant.parse(w.get("windowStart").asText()).getEpochSecond());
                assertThat(c.get("windowEnd").get(i).asLong()).isEqualTo(Instant.parse(w.get("windowEnd").asText()).getEpochSecond());
                assertThat(c.get("count").get(i)).isEqualTo(w.get("count"));
                assertThat(c.get("p95").get(i).isNull()).isEqualTo(!w.has("p95"));
                if (w.has("p95")) {
                    assertThat(c.get("p95").get(i).asDouble()).isCloseTo(w.get("p95").asDouble(), org.assertj.core.data.Percentage.withPercentage(1e-3));
                }
                assertThat(c.get("ratings").get(i).isNull()).isEqualTo(!w.has("ratings"));
            }
            assertThat(c.has("mean")).isFalse();
        }
        assertThat(columns.get(0).get("ratings").get(3).get("needsImprovement").asInt()).isEqualTo(3);
    }

    @Test
    void shouldRoundChartValuesToSixSignificantDigits() {
        assertThat(SeriesView.chartPrecision(123.45678901234)).isEqualTo(123.457);
        assertThat(SeriesView.chartPrecision(-0.000123456789)).isEqualTo(-0.000123457);
        assertThat(SeriesView.chartPrecision(98765432.1)).isEqualTo(98765400.0);
        assertThat(SeriesView.chartPrecision(1.0)).isEqualTo(1.0);
        assertThat(SeriesView.chartPrecision(0.0)).isEqualTo(0.0);
        assertThat(Double.toString(SeriesView.chartPrecision(2.2200000000000002))).isEqualTo("2.22");
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            double v = Math.exp(random.nextGaussian() * 20) * (random.nextBoolean() ? 1 : -1);
            double r = SeriesView.chartPrecision(v);
            assertThat(Math.abs(r - v)).isLessThanOrEqualTo(Math.abs(v) * 1e-5);
            // Short on the wire: at most 6 significant digits (plus sign, point and exponent).
            assertThat(com.fasterxml.jackson.core.io.NumberOutput.toString(r, true).replaceAll("E.*|[-.]", "").replaceAll("^0+", "").replaceAll("0+$", "").length())
                    .as("%s -> %s", v, r).isLessThanOrEqualTo(6);
        }
    }

    @Test
    void shouldGiveASeriesRatingsWhenTheyStartArrivingAndGiveRoomBackWhenItGoesQuiet() {
        MutableClock clock = new MutableClock(NOW);
        SeriesView view = new SeriesView(Duration.ofHours(6), 100, 360, clock);
        for (int m = 0; m < 300; m++) {
            view.add(summary("a", NOW.minus(Duration.ofMinutes(300 - m)), m, m >= 299));
        }
        List<WindowStats> windows = view.query("m", null).get(0).windows();
        assertThat(windows).hasSize(300);
        assertThat(windows.get(298).ratings()).isNull();
        assertThat(windows.get(299).ratings()).isEqualTo(new Summary.Ratings(5, 3, 1));
        assertThat(windows.get(0).p95()).isEqualTo(0.0);
        clock.now = NOW.plus(Duration.ofHours(6)).minus(Duration.ofMinutes(3)); // the last four windows ended at or after the cutoff
        view.prune();
        assertThat(view.query("m", null).get(0).windows()).extracting(WindowStats::p95).containsExactly(296.0, 297.0, 298.0, 299.0);
        assertThat(view.windowCount()).isEqualTo(4);
    }

    static Summary summary(String series, Instant start, double value, boolean ratings) {
        return new Summary(1, "shop", "m", series, Map.of("page", "/" + series), start, start.plusSeconds(60), 7, value * 7,
                value / 2, value * 2, value, value, value * 1.1, value * 1.2, value, value * 1.9,
                ratings ? new Summary.Ratings(5, 3, 1) : null);
    }

    private static JsonNode withoutNulls(JsonNode node) {
        if (node instanceof ObjectNode o) {
            Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                if (f.getValue().isNull()) {
                    fields.remove();
                } else {
                    withoutNulls(f.getValue());
                }
            }
        } else if (node instanceof ArrayNode a) {
            a.forEach(SeriesViewCompactTest::withoutNulls);
        }
        return node;
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
