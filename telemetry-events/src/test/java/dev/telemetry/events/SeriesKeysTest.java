package dev.telemetry.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SeriesKeysTest {

    @Test
    void shouldSpellANameWithoutLabelsAsTheName() {
        assertThat(SeriesKeys.format("checkout_ms", Map.of())).isEqualTo("checkout_ms");
        assertThat(SeriesKeys.format("checkout_ms", null)).isEqualTo("checkout_ms");
    }

    @Test
    void shouldSortLabelsByKeySoThatTheirOrderNeverSplitsASeries() {
        Map<String, String> forward = new LinkedHashMap<>();
        forward.put("region", "eu");
        forward.put("shard", "3");
        forward.put("a", "1");
        Map<String, String> backward = new LinkedHashMap<>();
        backward.put("shard", "3");
        backward.put("a", "1");
        backward.put("region", "eu");

        assertThat(SeriesKeys.format("checkout_ms", forward)).isEqualTo("checkout_ms{a=1,region=eu,shard=3}");
        assertThat(SeriesKeys.format("checkout_ms", backward)).isEqualTo("checkout_ms{a=1,region=eu,shard=3}");
        assertThat(SeriesKeys.format("checkout_ms", Map.of("endpoint", "/api/x"))).isEqualTo("checkout_ms{endpoint=/api/x}");
    }

    /** The spelling is a contract (summaries' keys, stores, the console): as a sorted map's, for any labels. */
    @Test
    void shouldSpellEveryLabelSetAsItsSortedMapDoes() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 2_000; i++) {
            Map<String, String> labels = new HashMap<>();
            int n = random.nextInt(6);
            for (int j = 0; j < n; j++) {
                labels.put(Integer.toString(random.nextInt(50), 36) + (random.nextBoolean() ? "Z" : "a"),
                        random.nextBoolean() ? null : "v" + random.nextInt(9));
            }
            StringBuilder expected = new StringBuilder("m");
            if (!labels.isEmpty()) {
                expected.append('{');
                new TreeMap<>(labels).forEach((k, v) -> expected.append(k).append('=').append(v).append(','));
                expected.setLength(expected.length() - 1);
                expected.append('}');
            }
            assertThat(SeriesKeys.format("m", labels)).as("%s", labels).isEqualTo(expected.toString());
        }
    }
}
