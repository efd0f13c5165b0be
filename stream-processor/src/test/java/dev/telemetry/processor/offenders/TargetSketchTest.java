package dev.telemetry.processor.offenders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Space-Saving sketch's guarantees, and its p75 per target. */
class TargetSketchTest {

    @Test
    void shouldCountExactlyWhenDistinctTargetsFitTheCapacity() {
        TargetSketch sketch = new TargetSketch(4);
        add(sketch, "img.hero", 5, 5000);
        add(sketch, "h1", 3, 4500);
        add(sketch, "p.lead", 1, 6000);
        add(sketch, "footer", 2, 4100);

        assertThat(sketch.total()).isEqualTo(11);
        assertThat(sketch.top(10)).containsExactly(
                new TargetSketch.Estimate("img.hero", 5, 0, 5000),
                new TargetSketch.Estimate("h1", 3, 0, 4500),
                new TargetSketch.Estimate("footer", 2, 0, 4100),
                new TargetSketch.Estimate("p.lead", 1, 0, 6000));
    }

    @Test
    void shouldRankTiesByTargetAndCutToN() {
        TargetSketch sketch = new TargetSketch(8);
        add(sketch, "b", 2, 1);
        add(sketch, "a", 2, 1);
        add(sketch, "c", 3, 1);

        assertThat(sketch.top(2)).extracting(TargetSketch.Estimate::target).containsExactly("c", "a");
    }

    @Test
    void shouldTakeTheNearestRankP75OfATargetsValues() {
        TargetSketch sketch = new TargetSketch(4);
        for (double v : new double[] {4100, 4200, 4300, 4400, 4500, 4600, 4700, 4800}) {
            sketch.add("img.hero", v);
        }
        // 8 values: rank ceil(0.75 × 8) = 6.
        assertThat(sketch.top(1).get(0).p75()).isEqualTo(4600);
    }

    @Test
    void shouldKeepP75WithinOnePercentBeyondTheExactValues() {
        TargetSketch sketch = new TargetSketch(2);
        for (int i = 1; i <= 1000; i++) {
            sketch.add("img.hero", 4000 + i);
        }
        // Exact nearest rank: the 750th value, 4750.
        assertThat(sketch.top(1).get(0).p75()).isCloseTo(4750, within(4750 * 0.01));
        // And it survives the store.
        TargetSketch restored = TargetSketch.fromBytes(sketch.toBytes());
        assertThat(restored.top(1)).isEqualTo(sketch.top(1));
    }

    @Test
    void shouldNeverUnderCountAndBoundTheOvercountWhenTargetsExceedTheCapacity() {
        Random random = new Random(19);
        TargetSketch sketch = new TargetSketch(10);
        Map<String, Long> truth = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            // Zipf-like: a few hot targets, a long tail.
            int rank = (int) Math.floor(Math.pow(random.nextDouble(), 3) * 200);
            String target = "div.t" + rank;
            truth.merge(target, 1L, Long::sum);
            sketch.add(target, 4001 + rank);
        }

        List<TargetSketch.Estimate> top = sketch.top(10);
        assertThat(top).hasSize(10);
        assertThat(sketch.total()).isEqualTo(20_000);
        for (TargetSketch.Estimate e : top) {
            long real = truth.get(e.target());
            assertThat(e.count()).as(e.target()).isGreaterThanOrEqualTo(real);
            assertThat(e.count() - e.maxOvercount()).as(e.target()).isLessThanOrEqualTo(real);
        }
        // The hottest target is found, whatever the tail.
        String hottest = truth.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        assertThat(top.get(0).target()).isEqualTo(hottest);
    }

    @Test
    void shouldStayBoundedWithAHundredThousandDistinctTargets() {
        TargetSketch sketch = new TargetSketch(40);
        for (int i = 0; i < 100_000; i++) {
            sketch.add("main > div:nth-child(" + i + ") > img.product-" + i, 4000 + i);
            // And a hot target that keeps getting values of every magnitude.
            sketch.add("img.hero", 4000 * Math.pow(1.0001, i));
        }

        assertThat(sketch.size()).isEqualTo(40);
        assertThat(sketch.total()).isEqualTo(200_000);
        TargetSketch.Estimate hero = sketch.top(1).get(0);
        assertThat(hero.target()).isEqualTo("img.hero");
        assertThat(hero.count()).isGreaterThanOrEqualTo(100_000);
        // 40 counters: selectors (~50 bytes), at most 32 exact values or 512 sketch bins each.
        int bound = 40 * (2 + 60 + 8 * 5 + 1 + Math.max(8 * TargetSketch.EXACT_VALUES, 4 + 16 * 512)) + 64;
        assertThat(sketch.toBytes().length).isLessThan(bound);
    }

    @Test
    void shouldRestoreTheSameCountsAndKeepCountingAfterASerdeRoundTrip() {
        TargetSketch sketch = new TargetSketch(3);
        add(sketch, "a", 5, 4100);
        add(sketch, "b", 2, 4200);
        add(sketch, "c", 1, 4300);
        add(sketch, "d", 1, 4400);

        TargetSketch restored = TargetSketch.serde().deserializer().deserialize("t",
                TargetSketch.serde().serializer().serialize("t", sketch));
        assertThat(restored.top(10)).isEqualTo(sketch.top(10));
        assertThat(restored.total()).isEqualTo(9);

        sketch.add("e", 4500);
        restored.add("e", 4500);
        assertThat(restored.top(10)).isEqualTo(sketch.top(10));
        assertThat(restored.toBytes()).isEqualTo(sketch.toBytes());
    }

    private static void add(TargetSketch sketch, String target, int times, double value) {
        for (int i = 0; i < times; i++) {
            sketch.add(target, value);
        }
    }
}
