package dev.telemetry.events;

import java.util.Map;
import java.util.TreeMap;

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
        StringBuilder sb = new StringBuilder(name).append('{');
        new TreeMap<>(labels).forEach((k, v) -> sb.append(k).append('=').append(v).append(','));
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }
}
