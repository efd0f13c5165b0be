package dev.telemetry.events;

import java.util.Arrays;
import java.util.Map;

/**
 * The one spelling of a series identity: a name plus its labels sorted by key, e.g.
 * {@code checkout_ms{region=eu,shard=3}}, so that label order never splits a series.
 */
public final class SeriesKeys {

    private SeriesKeys() {
    }

    public static String format(String name, Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return name;
        }
        // Called for every event's every series: the labels are few, so they are sorted in an array rather than copied
        // into a TreeMap (a sixth of a backtest's replaying thread in short runs), and one label needs no sorting.
        StringBuilder sb = new StringBuilder(name.length() + 16 * labels.size()).append(name).append('{');
        if (labels.size() == 1) {
            Map.Entry<String, String> only = labels.entrySet().iterator().next();
            return sb.append(only.getKey()).append('=').append(only.getValue()).append('}').toString();
        }
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] sorted = labels.entrySet().toArray(new Map.Entry[0]);
        Arrays.sort(sorted, Map.Entry.comparingByKey());
        for (Map.Entry<String, String> e : sorted) {
            sb.append(e.getKey()).append('=').append(e.getValue()).append(',');
        }
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }
}
